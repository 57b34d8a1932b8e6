#!/usr/bin/env bash
# The scenarios of run/ with the ASan+UBSan kernel-sim (see scenarios.sh).
SCENARIO_KERNELS=build/asan/kernel-sim exec bash "$(dirname "$0")/scenarios.sh"
