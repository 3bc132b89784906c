#!/bin/bash
# A USB device with any ids inside the guest: a configfs gadget on dummy_hcd, whose host side is
# the guest's own USB stack. QEMU's emulated devices have fixed ids; this is how the suite docks
# recorders with the ids the shipped rules and fingerprint table name.
#   usb-gadget.sh msc NAME VID PID SERIAL MANUFACTURER PRODUCT IMAGE   a USB disk serving IMAGE
#   usb-gadget.sh acm NAME VID PID SERIAL MANUFACTURER PRODUCT         a CDC-ACM port (ttyGS0 here)
#   usb-gadget.sh remove NAME                                          unplug and remove it
set -euo pipefail
CFG=/sys/kernel/config/usb_gadget

setup() {
  modprobe dummy_hcd
  modprobe libcomposite
  mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
}

create() { # NAME VID PID SERIAL MANUFACTURER PRODUCT
  local g=$CFG/$1
  mkdir -p "$g/strings/0x409" "$g/configs/c.1/strings/0x409"
  echo "0x$2" >"$g/idVendor"
  echo "0x$3" >"$g/idProduct"
  echo "$4" >"$g/strings/0x409/serialnumber"
  echo "$5" >"$g/strings/0x409/manufacturer"
  echo "$6" >"$g/strings/0x409/product"
  echo recorder >"$g/configs/c.1/strings/0x409/configuration"
}

bind() { # NAME: plug it in
  ls /sys/class/udc | head -1 >"$CFG/$1/UDC"
}

case "$1" in
msc)
  setup
  create "$2" "$3" "$4" "$5" "$6" "$7"
  f=$CFG/$2/functions/mass_storage.0
  mkdir -p "$f"
  echo 1 >"$f/lun.0/removable"
  echo 0 >"$f/lun.0/ro"
  echo "$8" >"$f/lun.0/file"
  ln -s "$f" "$CFG/$2/configs/c.1/"
  bind "$2"
  ;;
acm)
  setup
  create "$2" "$3" "$4" "$5" "$6" "$7"
  mkdir -p "$CFG/$2/functions/acm.0"
  ln -s "$CFG/$2/functions/acm.0" "$CFG/$2/configs/c.1/"
  bind "$2"
  ;;
remove)
  g=$CFG/$2
  [ -d "$g" ] || exit 0
  echo "" >"$g/UDC" 2>/dev/null || true
  rm -f "$g"/configs/c.1/*.0
  rmdir "$g"/configs/c.1/strings/0x409 "$g"/configs/c.1 "$g"/functions/* "$g"/strings/0x409 "$g"
  ;;
*)
  echo "usage: usb-gadget.sh msc|acm|remove NAME …" >&2
  exit 64
  ;;
esac
