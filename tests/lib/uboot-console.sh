# uboot-console.sh - sourced by the tests that drive Debian's S-mode
# U-Boot over an emulator's console (tests/pci/uboot-pci.sh,
# tests/plugins/pci-devices/uboot-strng.sh, tests/sdk/sample-pci-uboot.sh):
# start the emulator with its stdin on a FIFO, stop the autoboot with a
# key, type one command per prompt, then `poweroff`, and wait for the
# process to exit.  One place for the prompt counting and the time-outs.
#
#   uboot_session NAME DIR CMD...
#       runs CMD (breadboard or qemu-system-riscv64 with its arguments),
#       types each element of the array `cmds`, then `poweroff`; the
#       console goes to DIR/NAME.out, stderr to DIR/NAME.err, the exit
#       status to $uboot_rc.  A process that exits early or a prompt that
#       does not come within $uboot_timeout seconds (default
#       BB_BOOT_TIMEOUT or 300) fails the test (exit 1), showing the
#       console's and stderr's last lines.  $uboot_eol ends each typed
#       line (default "\n").
#   uboot_firmware_or_skip
#       sets $sbi and $ub to Debian's OpenSBI fw_jump and S-mode U-Boot,
#       or exits 77 (skipped) when the packages are missing.

uboot_timeout=${BB_BOOT_TIMEOUT:-300}
uboot_eol=${uboot_eol:-$'\n'}

uboot_firmware_or_skip() {
  sbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
  ub=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
  local f
  for f in $sbi $ub; do
    [ -f "$f" ] || { echo "$f missing (packages opensbi, u-boot-qemu): skipped"; exit 77; }
  done
}

uboot_session() {
  local name=$1 dir=$2
  shift 2
  local out=$dir/$name.out err=$dir/$name.err in=$dir/$name.in
  local start=$SECONDS n=1 c pid
  mkfifo "$in"
  : > "$out"    # (the child opens it only once the FIFO has a writer)
  timeout -s KILL "$uboot_timeout" "$@" < "$in" > "$out" 2> "$err" &
  pid=$!
  exec 3> "$in"
  _uboot_fail() {
    echo "FAIL ($name): $*"
    echo "--- console (last 40 lines)"; tail -n 40 "$out" | tr -d '\r'
    echo "--- stderr"; tail -n 20 "$err"
    exit 1
  }
  _uboot_wait() { # PATTERN COUNT WHAT: COUNT occurrences of PATTERN
    while (( $(grep -aoF -- "$1" "$out" | wc -l) < $2 )); do
      kill -0 $pid 2> /dev/null || _uboot_fail "exited before $3"
      ((SECONDS - start > uboot_timeout)) && _uboot_fail "timed out waiting for $3"
      sleep 0.2
    done
  }
  _uboot_wait "Hit any key to stop autoboot" 1 "U-Boot's autoboot countdown"
  printf '%s' "$uboot_eol" >&3
  _uboot_wait '=> ' $n "prompt $n"
  for c in "${cmds[@]}"; do
    printf '%s%s' "$c" "$uboot_eol" >&3
    n=$((n + 1))
    _uboot_wait '=> ' $n "prompt $n"
  done
  printf 'poweroff%s' "$uboot_eol" >&3
  # both emulators power off through the virt test finisher and exit
  wait $pid
  uboot_rc=$?
  exec 3>&-
}
