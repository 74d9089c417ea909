#!/usr/bin/env python3
"""Stands in for a device emulator on the fd end of a tap, as QEMU's
"-netdev tap,ifname=IF" does: attaches to the tap with TUNSETIFF and holds
it until killed.  At start and on each SIGUSR1 it sends an ARP request from
MAC/IP for TARGET through the fd and prints "arp-reply <mac>" when the
answer comes back through the fd, "arp-timeout" otherwise.

    tap_holder.py IFNAME MAC IP TARGET
"""
import fcntl
import os
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def probe(fd, mac, ip, target):
    arp = (b"\xff" * 6 + mac + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) +
           mac + ip + b"\x00" * 6 + target)
    arp += b"\x00" * (60 - len(arp))
    # Long enough for a loaded host to see the carrier come back.
    deadline = time.monotonic() + 8
    next_send = 0.0
    while time.monotonic() < deadline:
        if time.monotonic() >= next_send:
            os.write(fd, arp)
            next_send = time.monotonic() + 0.5
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        f = os.read(fd, 2048)
        if (len(f) >= 42 and f[0:6] == mac and f[12:14] == b"\x08\x06" and
                f[20:22] == b"\x00\x02" and f[28:32] == target):
            print("arp-reply", f[22:28].hex(":"), flush=True)
            return
    print("arp-timeout", flush=True)


def main():
    ifname, mac, ip, target = sys.argv[1:5]
    mac = bytes.fromhex(mac.replace(":", ""))
    ip, target = socket.inet_aton(ip), socket.inet_aton(target)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", ifname.encode(), IFF_TAP | IFF_NO_PI))
    print("attached", ifname, flush=True)
    asked = [True]
    signal.signal(signal.SIGUSR1, lambda *_: asked.__setitem__(0, True))
    while True:
        if asked[0]:
            asked[0] = False
            probe(fd, mac, ip, target)
        # Frames nobody asked for are read and dropped, as a guest would.
        if select.select([fd], [], [], 0.05)[0]:
            os.read(fd, 2048)


if __name__ == "__main__":
    main()
