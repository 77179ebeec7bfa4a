"""Which servers an Apprise URL makes us connect to, and whether they may be contacted.

Pure: names are resolved by a fake resolver (a dict), never by DNS.
"""

from __future__ import annotations

import time

import pytest

from priceradar.adapters.http.targets import HostVetter, Refusal
from priceradar.adapters.notify.apprise_channel import (
    UNUSABLE_URL,
    destination_refusal,
    server_hosts,
)

DISCORD = "discord://1234567/abcdefghijk"
SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
TOKEN = "abcdefghijklmnopqrstuvwxyz012345"


@pytest.mark.parametrize(
    ("url", "servers"),
    [
        # Webhooks post to the host the URL names, with or without credentials and port
        ("json://169.254.169.254/latest/meta-data", ("169.254.169.254",)),
        ("json://user:pass@10.0.0.5:6379/", ("10.0.0.5",)),
        ("jsons://localhost/x", ("localhost",)),
        ("json://[::1]:8080/x", ("[::1]",)),
        ("json://2130706433/", ("2130706433",)),
        ("JSON://Hooks.Example.COM/x", ("hooks.example.com",)),
        ("xmls://10.1.2.3/hook", ("10.1.2.3",)),
        ("forms://user@intranet.lan:8443/f", ("intranet.lan",)),
        # Self-hosted services
        ("ntfy://10.0.0.1/mytopic", ("10.0.0.1",)),
        ("ntfys://user:pass@ntfy.internal:8080/topic", ("ntfy.internal",)),
        ("gotify://10.0.0.1/token", ("10.0.0.1",)),
        ("matrix://user:pass@10.0.0.1/#room", ("10.0.0.1",)),
        ("rocket://user:pass@chat.lan/#chan", ("chat.lan",)),
        ("apprise://10.0.0.1/token", ("10.0.0.1",)),
        ("rsyslog://10.0.0.1", ("10.0.0.1",)),
        ("kodi://10.0.0.1", ("10.0.0.1",)),
        ("notica://10.0.0.1/token", ("10.0.0.1",)),
        ("lametric://apikey@10.0.0.1", ("10.0.0.1",)),
        (f"zulip://bot@org.internal.lan/{TOKEN}", ("org.internal.lan",)),
        # E-mail connects to its SMTP server: the provider's, `?smtp=`, or the URL host
        ("mailto://user:pass@gmail.com", ("smtp.gmail.com",)),
        ("mailtos://user:pass@example.com?smtp=10.0.0.2", ("10.0.0.2",)),
        ("mailtos://user:pass@10.0.0.9:465?from=a@example.com", ("10.0.0.9",)),
        ("deltachat://user:password@smtp.example.com/friend@example.org", ("smtp.example.com",)),
        # Fixed vendor services: the URL's host part is an id or a token, or ignored
        (DISCORD, ()),
        ("discord://167772161/abcdefghijk", ()),  # 10.0.0.1 as a decimal, but a webhook id
        (SLACK, ()),
        ("tgram://123456789:abcdefg_hijklmnop/123", ()),
        ("https://discord.com/api/webhooks/1234567/abcdefghijk", ()),
        ("ntfy://mytopic", ()),  # ntfy.sh
        ("https://ntfy.sh/topic", ()),
        ("notica://token", ()),
        (f"zulip://bot@org/{TOKEN}", ()),  # org.zulipchat.com
        ("mailgun://user@example.com/apikey/", ()),  # a mail domain on Mailgun's API
    ],
)
def test_servers_named_by_apprise_urls(url: str, servers: tuple[str, ...]) -> None:
    assert server_hosts(url) == servers


@pytest.mark.parametrize("url", ["nosuchscheme://x", "json://", "not a url", ""])
def test_unparseable_urls_are_refused_with_the_reason(url: str) -> None:
    with pytest.raises(ValueError, match="Apprise does not understand"):
        server_hosts(url)
    assert destination_refusal(url, HostVetter()) == Refusal(UNUSABLE_URL, forbidden=True)


def vetter(allowed: tuple[str, ...] = (), **names: list[str]) -> HostVetter:
    """A vetter whose resolver knows only `names` (dots written as underscores)."""
    table = {name.replace("_", "."): addresses for name, addresses in names.items()}

    def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError(f"unknown host {host}")
        return table[host]

    return HostVetter(allowed, timeout_s=1.0, resolve=resolve)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("json://169.254.169.254/latest/meta-data", "non-public address 169.254.169.254"),
        ("json://10.0.0.1/", "non-public address 10.0.0.1"),
        ("json://[::1]/", "non-public address ::1"),
        ("json://[::ffff:10.0.0.1]/", "non-public address ::ffff:10.0.0.1"),
        ("jsons://localhost/x", "localhost resolves to non-public address 127.0.0.1"),
        ("json://hooks.example.com/", "hooks.example.com resolves to non-public address 10.9.9.9"),
        ("mailtos://user:pass@example.com?smtp=10.0.0.2", "non-public address 10.0.0.2"),
        ("ntfy://10.0.0.1/topic", "non-public address 10.0.0.1"),
    ],
)
def test_internal_servers_are_forbidden(url: str, reason: str) -> None:
    hosts = vetter(("127.0.0.1",), localhost=["127.0.0.1"], hooks_example_com=["10.9.9.9"])
    refusal = destination_refusal(url, hosts)
    assert refusal is not None and refusal.forbidden
    assert reason in refusal.reason and "PRICERADAR_ALLOWED_PRIVATE_HOSTS" in refusal.reason


def test_one_private_answer_among_public_ones_is_enough_to_refuse() -> None:
    hosts = vetter(hooks_example_com=["93.184.215.14", "10.0.0.3"])
    refusal = destination_refusal("jsons://hooks.example.com/x", hosts)
    assert refusal is not None and "non-public address 10.0.0.3" in refusal.reason


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("json://127.0.0.1:8080/hook", ("127.0.0.1",)),
        ("json://[::1]:8080/hook", ("::1",)),
        ("jsons://localhost/x", ("localhost",)),
        ("json://10.0.0.1/", ("*",)),
        ("jsons://hooks.example.com/x", ()),  # resolves to a public address
        ("json://93.184.215.14/x", ()),
    ],
)
def test_public_or_allowed_servers_pass(url: str, allowed: tuple[str, ...]) -> None:
    hosts = vetter(allowed, localhost=["127.0.0.1"], hooks_example_com=["93.184.215.14"])
    assert destination_refusal(url, hosts) is None


@pytest.mark.parametrize("url", [DISCORD, SLACK, "ntfy://mytopic", "mailgun://u@example.com/k/"])
def test_vendor_services_need_no_lookup(url: str) -> None:
    assert destination_refusal(url, vetter()) is None  # the resolver knows no name at all


def test_lookup_failures_are_refusals_that_may_pass_later() -> None:
    unknown = destination_refusal("jsons://nowhere.example.com/x", vetter())
    assert unknown == Refusal("nowhere.example.com does not resolve", forbidden=False)

    def slow(host: str) -> list[str]:
        time.sleep(0.5)
        return ["93.184.215.14"]

    hosts = HostVetter(timeout_s=0.05, resolve=slow)
    timed_out = destination_refusal("jsons://slow.example.com/x", hosts)
    assert timed_out == Refusal("DNS lookup of slow.example.com timed out", forbidden=False)
