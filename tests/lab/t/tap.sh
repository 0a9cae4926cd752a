# shellcheck shell=bash
# TAP helpers for the lab's own tests (sourced by tests/lab/t/*.t).
tap_number=0
tap_failed=0

# check DESCRIPTION COMMAND [ARG...]: runs COMMAND; its output becomes TAP
# comments; one "ok"/"not ok" line.
check() {
	local description=$1 output status=0
	shift
	output=$("$@" 2>&1) || status=$?
	tap_number=$((tap_number + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $tap_number - $description"
	else
		echo "not ok $tap_number - $description (status $status)"
		tap_failed=$((tap_failed + 1))
	fi
	[ -z "$output" ] || printf '%s\n' "$output" | sed 's/^/# /'
}

# Call last: the number of failed checks is the script's status.
done_testing() {
	exit "$tap_failed"
}
