"""Apprise channel: Discord, Slack, email, ntfy, `json://`/`jsons://` webhooks and ~100 more,
each addressed by one URL (which may carry credentials: shown only through `describe`).

Apprise reports success or failure, not *where* a failure happened, so a failed send is
treated as not delivered and retried: at-least-once for these channels (docs/notifications.md).

Many plugins post to a server the URL names (`json://host/path`, `ntfy://host/topic`,
`mailto://…?smtp=host`), so a destination is an SSRF vector like a product URL: the servers a
URL names must be public unless allowed by configuration. `destination_refusal` says so when a
destination is stored (`services.watches`) and again before every send, as DNS may have changed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import apprise
from apprise.plugins.zulip import NotifyZulip

from priceradar.adapters.http.blocking import run_guarded
from priceradar.adapters.http.targets import HostVetter, Refusal
from priceradar.adapters.notify import Limit, SendOutcome, SendResult
from priceradar.domain.messages import DEFAULT_TEMPLATE, MessageFacts, plain_title, render_plain

log = logging.getLogger(__name__)
UNUSABLE_URL = "Apprise does not understand this URL (see the Apprise wiki)"
# Plugins whose URL host is a mail domain or an account id handed to the vendor's fixed API,
# never a server we connect to (read from each plugin's send code, Apprise 2.2).
ACCOUNT_HOST_SCHEMES = frozenset({"mailgun", "sparkpost", "sendpulse", "smtp2go", "wechat"})
# Modes in which a plugin posts to its vendor's own service whatever the URL's host holds
# (an ntfy.sh topic, LaMetric and Fluxer cloud, t2bot.io, the official Notica and Notifico).
VENDOR_MODES = frozenset({"cloud", "official", "t2bot"})
# Plugins that connect somewhere other than their URL host: e-mail's SMTP server (`?smtp=`,
# else the provider's or the URL host) and XMPP's `?xmpp=`.
SERVER_ATTRIBUTES = ("smtp_host", "xmpp_host")


def is_valid_url(url: str) -> bool:
    """True when Apprise knows the scheme and can parse the URL."""
    return apprise.Apprise.instantiate(url) is not None


def describe(url: str) -> str:
    """The URL with secrets masked, fit for listings and logs."""
    plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        return "<invalid apprise url>"
    return str(plugin.url(privacy=True))  # type: ignore[no-untyped-call]


def server_hosts(url: str) -> tuple[str, ...]:
    """The user-chosen servers alerts to this URL connect to; () for a vendor's fixed service
    (Discord, Slack, Telegram, ntfy.sh, …). ValueError when Apprise cannot parse the URL."""
    plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        raise ValueError(UNUSABLE_URL)
    return tuple(host.lower() for host in _plugin_servers(plugin))


def _plugin_servers(plugin: Any) -> tuple[str, ...]:
    """The servers one instantiated plugin will connect to, as its attributes name them."""
    for attribute in SERVER_ATTRIBUTES:
        server = getattr(plugin, attribute, None)
        if server:
            return (str(server),)
    if isinstance(plugin, NotifyZulip):
        # `zulip://bot@org.example.org/…` posts to org.example.org, `…@org/…` to zulipchat.com.
        if plugin.hostname == plugin.default_hostname:
            return ()
        return (f"{plugin.organization}.{plugin.hostname}",)
    host = str(getattr(plugin, "host", None) or "")
    # Apprise declares a `host` token for plugins whose URL names the server to post to; for
    # the others (Discord, Slack, …) the host part of the URL holds an id or a token.
    if not host or "host" not in getattr(type(plugin), "template_tokens", {}):
        return ()
    if _schemes(plugin) & ACCOUNT_HOST_SCHEMES or str(getattr(plugin, "mode", "")) in VENDOR_MODES:
        return ()
    return (host,)


def _schemes(plugin: Any) -> set[str]:
    """Every scheme a plugin answers to (`protocol` and `secure_protocol`: a str or a tuple).

    Read from the class: some plugins reuse the names on the instance (Kodi's protocol version).
    """
    names: set[str] = set()
    for attribute in ("protocol", "secure_protocol"):
        value = getattr(type(plugin), attribute, None)
        if isinstance(value, str):
            names.add(value)
        elif isinstance(value, tuple | list):
            names.update(str(name) for name in value)
    return names


def destination_refusal(url: str, hosts: HostVetter) -> Refusal | None:
    """Why alerts may not go to this Apprise URL, or None: the one check for storing a
    destination and for sending to it. Blocks while names are resolved."""
    try:
        servers = server_hosts(url)
    except ValueError as exc:
        return Refusal(str(exc), forbidden=True)
    for host in servers:
        refusal = hosts.refusal(host)
        if refusal is not None:
            return refusal
    return None


class AppriseChannel:
    """Plain-text alerts through Apprise; its blocking I/O runs in a worker thread.

    `hosts` vets the servers a URL names before each send; the default allows no private host.
    """

    def __init__(
        self,
        template: str = DEFAULT_TEMPLATE,
        timeout_s: float = 15.0,
        hosts: HostVetter | None = None,
    ) -> None:
        self.template = template
        self.timeout_s = timeout_s
        self.hosts = hosts or HostVetter()

    def limits(self, target: str) -> list[Limit]:
        return []  # Apprise's plugins throttle themselves per service

    async def send(self, target: str, facts: MessageFacts) -> SendResult:
        plugin = apprise.Apprise.instantiate(target)
        if plugin is None:
            return SendResult(SendOutcome.BAD_DESTINATION, "apprise cannot use this URL")
        refused = await self._refusal(target)
        if refused is not None:
            return refused
        body, title = render_plain(facts, self.template), plain_title(facts)
        # The plugin runs in this thread (not Apprise's pool) so the connection guard applies:
        # every address it connects to is checked, and no redirect is followed.
        try:
            result = await asyncio.wait_for(
                asyncio.to_thread(
                    run_guarded,
                    self.hosts.allowed_private_hosts,
                    plugin.notify,
                    body=body,
                    title=title,
                    body_format=apprise.NotifyFormat.TEXT,
                ),
                self.timeout_s,
            )
        except TimeoutError:
            result = False
        if result:
            return SendResult(SendOutcome.SENT)
        return SendResult(SendOutcome.RETRY, f"apprise: delivery failed to {describe(target)}")

    async def _refusal(self, target: str) -> SendResult | None:
        """Re-check the URL's servers now: the name may resolve elsewhere than when it was
        stored. The send itself is guarded at connect time too (`run_guarded`); this check
        gives the clear reason and disables a destination that can never work."""
        refusal = await asyncio.to_thread(destination_refusal, target, self.hosts)
        if refusal is None:
            return None
        if refusal.forbidden:  # disables the destination, like Telegram's "chat not found"
            return SendResult(
                SendOutcome.BAD_DESTINATION, f"apprise target refused: {refusal.reason}"
            )
        return SendResult(SendOutcome.RETRY, f"apprise: {refusal.reason}")  # DNS may recover

    async def close(self) -> None:
        return None
