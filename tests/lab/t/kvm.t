#!/usr/bin/env bash
# Inside the lab: the CPU offers SVM and kvm_amd gives a usable /dev/kvm.
set -euo pipefail
. "$(dirname "$0")/tap.sh"
echo "1..4"
check "the lab CPU has the svm flag" grep -qw svm /proc/cpuinfo
check "kvm_amd is loaded" grep -q '^kvm_amd ' /proc/modules
check "/dev/kvm is a character device" test -c /dev/kvm
check "/dev/kvm opens read-write" bash -c 'exec 9<>/dev/kvm'
done_testing
