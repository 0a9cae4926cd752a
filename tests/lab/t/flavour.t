#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions below run through check()
# Inside the lab: lwvmm runs on a real kvm_amd and says its flavour is SVM.
set -euo pipefail
. "$(dirname "$0")/tap.sh"
lwvmm=${LWVMM:-build/bin/lwvmm}

has_lwvmm() {
	[ -x "$lwvmm" ] || { echo "no lwvmm binary at $lwvmm (make build-all)"; return 1; }
}

flavour_is_svm() {
	local info
	info=$("$lwvmm" info 2>&1) || { echo "'lwvmm info' failed:"; echo "$info"; return 1; }
	echo "$info"
	grep -qx 'flavour: SVM' <<<"$info" || { echo "expected the line 'flavour: SVM'"; return 1; }
}

echo "1..2"
check "lwvmm is built ($lwvmm)" has_lwvmm
check "lwvmm info reports flavour SVM" flavour_is_svm
done_testing
