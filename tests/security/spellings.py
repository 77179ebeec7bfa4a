"""URL spellings of internal targets: every one must be refused wherever a URL enters.

`{p}` is the canary's port. Most spellings reach the canary (127.0.0.1 or [::1]) if connected
to; the rest name other internal ranges, which must be refused just the same.
"""

from __future__ import annotations

import socket

HOSTS = [
    # IPv4 loopback, every inet_aton spelling
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "127.000.000.001",
    "2130706433",
    "0x7f000001",
    "0x7f.1",
    "0x7f.0.0.1",
    "0x7F.0x0.0x0.0x1",
    "0177.0.0.1",
    "0177.1",
    "017700000001",
    "0177.0000.0000.0001",
    "127.0.0.1.",
    "127.255.255.254",
    # unspecified: connects to this host
    "0.0.0.0",
    "0",
    "0x0",
    "00.0.0.0",
    # IPv6 loopback and unspecified
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[0000::0001]",
    "[::1%2599]",
    "[::1%25lo]",
    "[::]",
    "[::%251]",
    # IPv4 inside IPv6
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::ffff:127.0.0.1%251]",
    "[0:0:0:0:0:ffff:127.0.0.1]",
    "[::ffff:0.0.0.0]",
    "[::ffff:0:127.0.0.1]",
    "[::127.0.0.1]",
    "[::7f00:1]",
    "[64:ff9b::127.0.0.1]",
    "[64:ff9b::7f00:1]",
    "[64:ff9b:1::7f00:1]",
    "[2002:7f00:1::]",
    "[2002:7f00:0001::1]",
    "[2002:a9fe:a9fe::1]",
    "[::ffff:169.254.169.254]",
    "[::ffff:a9fe:a9fe]",
    "[64:ff9b::a9fe:a9fe]",
    "[::a00:1]",
    # other internal ranges
    "10.0.0.1",
    "172.16.0.1",
    "192.168.0.1",
    "169.254.169.254",
    "2852039166",
    "0xa9fea9fe",
    "0251.0376.0251.0376",
    "100.64.0.1",
    "198.18.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "240.0.0.1",
    "[fe80::1%251]",
    "[fc00::1]",
    "[fd12:3456::1]",
    "[ff02::1]",
    "[2001:0:4136:e378:8000:63bf:80fe:fffe]",
    # names of this machine
    "localhost",
    "LOCALHOST",
    "localhost.",
    socket.gethostname(),
]

# URL tricks around the host: userinfo, fragments and backslashes that parsers disagree on.
TRICKS = [
    "http://127.0.0.1:{p}#@shop.example/",
    "http://127.0.0.1:{p}?@shop.example/",
    "http://shop.example@127.0.0.1:{p}/",
    "http://127.0.0.1:{p}\\@shop.example/",
    "https://127.0.0.1:{p}/",
]


def canary_urls(port: int) -> list[str]:
    """Every spelling as a URL that would reach the canary (or an internal range)."""
    urls = [f"http://{host}:{port}/canary" for host in HOSTS]
    return urls + [trick.format(p=port) for trick in TRICKS]


assert len(HOSTS) + len(TRICKS) >= 60
