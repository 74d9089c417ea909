#!/usr/bin/python3
"""Sends test frames on a kernel interface and checks each comes back byte
for byte, MAC addresses swapped (netvsc_guest's echo).

    echo_check.py IFNAME GUEST_MAC [SIZE...]

Frames carry EtherType 0x88b5, a sequence number and a pseudo-random
payload; frames are sent one at a time, and each must return within 2 s.
Prints one line per size class and exits 1 on the first mismatch or loss."""
import os
import random
import socket
import sys
import time

ETHERTYPE = 0x88B5


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def main():
    ifname, guest = sys.argv[1], mac_bytes(sys.argv[2])
    sizes = [int(x) for x in sys.argv[3:]] or [60, 128, 400, 512, 513, 1000, 1514]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETHERTYPE))
    s.bind((ifname, ETHERTYPE))
    own = s.getsockname()[4][:6]
    rng = random.Random(7)
    seq = 0
    for size in sizes:
        for _ in range(3):
            seq += 1
            body = seq.to_bytes(4, "big") + bytes(rng.getrandbits(8) for _ in range(size - 18))
            frame = guest + own + ETHERTYPE.to_bytes(2, "big") + body
            want = own + guest + frame[12:]
            s.send(frame)
            deadline = time.monotonic() + 2.0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    print(f"FAIL: frame {seq} of {size} bytes not echoed")
                    return 1
                s.settimeout(left)
                try:
                    got, addr = s.recvfrom(65536)
                except socket.timeout:
                    continue
                if addr[2] == socket.PACKET_OUTGOING or got[14:18] != body[:4]:
                    continue
                break
            if got != want:
                print(f"FAIL: frame {seq} of {size} bytes came back as {len(got)} bytes, "
                      f"first difference at byte "
                      f"{next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))}")
                return 1
        print(f"ok - {size}-byte frames echoed byte for byte")
    return 0


if __name__ == "__main__":
    sys.exit(main())
