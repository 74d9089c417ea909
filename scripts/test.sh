#!/bin/sh
# Builds and runs the whole test suite twice: a normal build, then every
# test again built with AddressSanitizer and UndefinedBehaviorSanitizer;
# then the tests whose threads share memory under ThreadSanitizer; then
# the libFuzzer targets for a bounded time each.  Prints ctest's summary
# for each pass; exits non-zero if any fails.
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

# The tests that run the switch's threads against each other (netvsp:
# guest, control thread and worker on one channel; ctl: the control
# server beside its clients; fdb_mw: two workers learning the same MACs
# while the control thread deletes), under ThreadSanitizer, with
# scripts/tsan.supp for what DPDK's uninstrumented libraries hide.
tsan_tests="test_netvsp test_ctl test_fdb_mw"
tsan_pass() {
	echo "=== build build-tsan (ThreadSanitizer: $tsan_tests)"
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVS_TSAN=ON >/dev/null || return 1
	# shellcheck disable=SC2086
	cmake --build build-tsan -j "$jobs" --target $tsan_tests || return 1
	echo "=== test build-tsan"
	(cd build-tsan && ctest --output-on-failure -R "^($(echo $tsan_tests | tr ' ' '|'))\$")
}
tsan_pass || rc=1

# The fuzz targets, built with clang's libFuzzer, each for a bounded time.
fuzz_pass() {
	echo "=== build build-fuzz (clang, libFuzzer)"
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DVS_FUZZ=ON >/dev/null || return 1
	cmake --build build-fuzz -j "$jobs" --target fuzz_nvsp fuzz_rndis fuzz_ring fuzz_pipeline fuzz_ctl fuzz_igmp || return 1
	echo "=== fuzz build-fuzz"
	(cd build-fuzz && ctest -L fuzz --output-on-failure)
}
fuzz_pass || rc=1
if [ "$rc" -eq 0 ]; then
	echo "=== all test passes succeeded (normal, ASan+UBSan, TSan, fuzz)"
else
	echo "=== FAILED: see the output above"
fi
exit "$rc"
