"""E-mailing documents through the office's mail server (a local SMTP stub here)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.office import mailer
from tests.smtp_stub import Received, smtp_stub

PDF = b"%PDF-1.4\n% a small document\n%%EOF\n"


def set_smtp(**values: object) -> None:
    t.OfficeSettings.update(**values).execute()


@pytest.fixture
def stub(office) -> Iterator[tuple[Received, set[str]]]:
    with smtp_stub() as (port, received, refuse):
        set_smtp(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                 smtp_from="desk@synergy.example", smtp_user="", smtp_password="")
        yield received, refuse


def test_a_document_is_sent_as_a_pdf_attachment(stub) -> None:
    received, _refuse = stub

    mailer.send_document("harriet@oduya.example", "Receipt R-000001 from Synergy Support Ltd",
                         "Dear Harriet,\n\nYour receipt is attached.\n", "R-000001.pdf", PDF)

    assert received.mail_from == ["desk@synergy.example"]
    assert received.rcpt_to == ["harriet@oduya.example"]
    [message] = received.messages
    assert message["To"] == "harriet@oduya.example"
    assert message["From"] == "Synergy Support Ltd <desk@synergy.example>"
    assert message["Subject"] == "Receipt R-000001 from Synergy Support Ltd"
    assert "Your receipt is attached." in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "R-000001.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF


def test_the_mail_server_login_is_used_when_set(stub) -> None:
    received, _refuse = stub
    set_smtp(smtp_user="desk", smtp_password="s3cret")

    mailer.send_document("harriet@oduya.example", "Receipt", "Attached.", "R.pdf", PDF)

    assert len(received.logins) == 1 and len(received.messages) == 1


def test_smtp_is_configured_only_with_a_host(office) -> None:
    assert mailer.smtp_configured() is False
    set_smtp(smtp_host="mail.synergy.example")
    assert mailer.smtp_configured() is True


def test_without_a_mail_server_nothing_is_sent(office) -> None:
    with pytest.raises(ValidationError, match="No mail server"):
        mailer.send_document("harriet@oduya.example", "Receipt", "", "R.pdf", PDF)


@pytest.mark.parametrize("address", ["", "harriet", "harriet@", "a b@example.com",
                                     "one@example.com, two@example.com"])
def test_an_address_that_is_not_one_is_refused(stub, address: str) -> None:
    received, _refuse = stub
    with pytest.raises(ValidationError, match="not an e-mail address"):
        mailer.send_document(address, "Receipt", "", "R.pdf", PDF)
    assert received.messages == []


def test_a_full_card_number_in_the_message_is_refused(stub) -> None:
    received, _refuse = stub
    with pytest.raises(ValidationError, match="full card number"):
        mailer.send_document("harriet@oduya.example", "Receipt",
                             "You paid with 4242 4242 4242 4242", "R.pdf", PDF)
    assert received.messages == []


def test_a_refused_recipient_is_a_readable_error(stub) -> None:
    received, refuse = stub
    refuse.add("nobody@oduya.example")
    with pytest.raises(mailer.MailError, match="would not deliver to nobody@oduya.example"):
        mailer.send_document("nobody@oduya.example", "Receipt", "", "R.pdf", PDF)
    assert received.messages == []


def test_an_unreachable_server_is_a_readable_error(office) -> None:
    # A port that was free a moment ago: nothing listens there.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    set_smtp(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
             smtp_from="desk@synergy.example")
    with pytest.raises(mailer.MailError, match="Could not send the e-mail through 127.0.0.1"):
        mailer.send_document("harriet@oduya.example", "Receipt", "", "R.pdf", PDF)


# --- the test e-mail of the settings dialog ------------------------------------------------


def _manager() -> Actor:
    return Actor.from_user(t.User.get(t.User.username == "mary"))


def test_only_a_manager_may_try_the_saved_mail_password(office) -> None:
    set_smtp(smtp_password="saved-secret")
    for who in ("rita", "eddie"):
        actor = Actor.from_user(t.User.get(t.User.username == who))
        with pytest.raises(PermissionDenied):
            mailer.smtp_settings_from_form(actor, "mail.elsewhere.example", 25, "desk", None,
                                           "a@b.example", False)


def test_a_test_email_goes_through_the_server_given_not_the_saved_one(office) -> None:
    set_smtp(smtp_host="mail.saved.example", smtp_port=25, smtp_from="old@synergy.example")
    with smtp_stub() as (port, received, _refuse):
        settings = mailer.smtp_settings_from_form(_manager(), "127.0.0.1", port, "", None,
                                                  "desk@synergy.example", False)
        mailer.send_test_email(settings, "mary@synergy.example")
    assert received.mail_from == ["desk@synergy.example"]
    assert received.rcpt_to == ["mary@synergy.example"]
    [message] = received.messages
    assert message["Subject"] == "Test e-mail from Synergy Desk"
    assert message["From"] == "Synergy Support Ltd <desk@synergy.example>"
    body = message.get_body(("plain",)).get_content()
    assert f"127.0.0.1, port {port}" in body
    assert list(message.iter_attachments()) == []
    # Nothing was saved by testing.
    row = t.OfficeSettings.get()
    assert (row.smtp_host, row.smtp_port) == ("mail.saved.example", 25)


def test_a_test_email_uses_the_saved_password_unless_a_new_one_is_typed(office) -> None:
    set_smtp(smtp_password="saved-secret")
    saved = mailer.smtp_settings_from_form(_manager(), "127.0.0.1", 25, "desk", None, "a@b.example", False)
    typed = mailer.smtp_settings_from_form(_manager(), "127.0.0.1", 25, "desk", "typed", "a@b.example", False)
    cleared = mailer.smtp_settings_from_form(_manager(), "127.0.0.1", 25, "desk", "", "a@b.example", False)
    assert (saved.password, typed.password, cleared.password) == ("saved-secret", "typed", "")
    with smtp_stub() as (port, received, _refuse):
        mailer.send_test_email(mailer.smtp_settings_from_form(
            _manager(), "127.0.0.1", port, "desk", None, "desk@synergy.example", False),
            "mary@synergy.example")
    assert len(received.logins) == 1 and len(received.messages) == 1


@pytest.mark.parametrize(("host", "sender", "to", "field"), [
    ("", "desk@synergy.example", "mary@synergy.example", "smtp_host"),
    ("127.0.0.1", "", "mary@synergy.example", "smtp_from"),
    ("127.0.0.1", "desk at synergy", "mary@synergy.example", "smtp_from"),
    ("127.0.0.1", "desk@synergy.example", "mary", "to"),
])
def test_a_test_email_with_missing_details_is_refused(office, host: str, sender: str, to: str,
                                                      field: str) -> None:
    settings = mailer.smtp_settings_from_form(_manager(), host, 25, "", None, sender, False)
    with pytest.raises(ValidationError) as caught:
        mailer.send_test_email(settings, to)
    assert caught.value.field == field


def test_a_test_email_to_a_refused_address_says_so(office) -> None:
    with smtp_stub() as (port, received, refuse):
        refuse.add("nobody@synergy.example")
        settings = mailer.smtp_settings_from_form(_manager(), "127.0.0.1", port, "", None,
                                                  "desk@synergy.example", False)
        with pytest.raises(mailer.MailError, match="would not deliver to nobody@synergy"):
            mailer.send_test_email(settings, "nobody@synergy.example")
    assert received.messages == []


def test_a_test_email_to_an_unreachable_server_says_what_to_check(office) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = mailer.smtp_settings_from_form(_manager(), "127.0.0.1", port, "", None,
                                              "desk@synergy.example", False)
    with pytest.raises(mailer.MailError, match="check the server's name, port and STARTTLS"):
        mailer.send_test_email(settings, "mary@synergy.example")


def test_starttls_asked_of_a_server_without_it_is_a_readable_error(office) -> None:
    with smtp_stub() as (port, received, _refuse):
        settings = mailer.smtp_settings_from_form(_manager(), "127.0.0.1", port, "", None,
                                                  "desk@synergy.example", True)
        with pytest.raises(mailer.MailError, match="STARTTLS"):
            mailer.send_test_email(settings, "mary@synergy.example")
    assert received.messages == []


def test_the_time_out_grows_with_the_size_of_the_message() -> None:
    assert mailer.send_timeout(0) == mailer.TIMEOUT_SECONDS
    assert mailer.send_timeout(10 * 1024 * 1024) == mailer.TIMEOUT_SECONDS + 320
    assert mailer.send_timeout(32_768) == mailer.TIMEOUT_SECONDS + 1


def _slow_reader(listener: socket.socket, done: list[str]) -> None:
    """An SMTP server on a slow line: it takes the message in small bites, steadily."""
    import time
    conn, _address = listener.accept()
    with conn, conn.makefile("rb") as lines:
        conn.sendall(b"220 slow ESMTP\r\n")
        while line := lines.readline():
            command = line.strip().upper()
            if command == b"DATA":
                conn.sendall(b"354 go\r\n")
                got = b""
                while not got.endswith(b"\r\n.\r\n"):
                    chunk = lines.read1(8192)
                    if not chunk:
                        done.append("cut off")
                        return
                    got += chunk
                    time.sleep(0.01)
                done.append("whole")
                conn.sendall(b"250 queued\r\n")
            elif command == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")


@pytest.mark.slow
def test_a_large_message_on_a_slow_line_is_not_cut_off(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time
    from email.message import EmailMessage
    # Scaled down: a 0.3 s time-out, and the line's slowest speed waited for as fast as
    # this server reads (about 800 KB/s), so a 1.5 MB message takes longer than 0.3 s.
    monkeypatch.setattr(mailer, "TIMEOUT_SECONDS", 0.3)
    monkeypatch.setattr(mailer, "SLOWEST_BYTES_PER_SECOND", 400_000)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    done: list[str] = []
    server = threading.Thread(target=_slow_reader, args=(listener, done), daemon=True)
    server.start()
    settings = mailer.SmtpSettings(host="127.0.0.1", port=listener.getsockname()[1], user="",
                                   password="", sender="desk@synergy.example",
                                   starttls=False, office_name="")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, "raj@acme.example", "Log"
    message.set_content("The log is attached.")
    message.add_attachment(b"\x00" * 1_100_000, maintype="application",
                           subtype="octet-stream", filename="log.bin")
    started = time.monotonic()
    try:
        mailer.deliver(settings, message, "it is tried again later.")
        took = time.monotonic() - started
    finally:
        server.join(30)
        listener.close()
    assert done == ["whole"]
    assert took > mailer.TIMEOUT_SECONDS  # it would have been cut off at the old time-out
