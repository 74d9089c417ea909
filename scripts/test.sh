#!/bin/sh
# Builds and runs the whole test suite twice: a normal build, then every
# test again built with AddressSanitizer and UndefinedBehaviorSanitizer.
# Prints ctest's summary for each pass; exits non-zero if either fails.
set -u
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
rc=0

run_pass() {
	dir=$1
	shift
	echo "=== build $dir $*"
	cmake -S . -B "$dir" "$@" >/dev/null || return 1
	cmake --build "$dir" -j "$jobs" || return 1
	echo "=== test $dir"
	(cd "$dir" && ctest --output-on-failure -j "$jobs")
}

run_pass build -DCMAKE_BUILD_TYPE=RelWithDebInfo || rc=1
run_pass build-asan -DCMAKE_BUILD_TYPE=Debug -DVS_SANITIZE=ON || rc=1
if [ "$rc" -eq 0 ]; then
	echo "=== all test passes succeeded (normal and ASan+UBSan)"
else
	echo "=== FAILED: see the output above"
fi
exit "$rc"
