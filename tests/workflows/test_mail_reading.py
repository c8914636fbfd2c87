"""Reading mail without a database: folding, HTML, and a winmail.dat that cannot be read."""

from email.message import EmailMessage

from disputedesk.workflows.mail_reading import files_of, fold, html_to_text, read_text


def test_a_message_that_only_quotes_keeps_its_whole_text():
    assert fold("> Please send the IO.\n> Thanks") == ("> Please send the IO.\n> Thanks", "")
    assert fold("   ") == ("", "")


def test_a_german_reply_folds_the_quoted_message_too():
    reply, folded = fold(
        "Anbei der Vertrag.\n\nAm 07.12.2026 um 09:02 schrieb Disputedesk <d@billing.example>:\n"
        "> Bitte senden Sie den Vertrag.\n"
    )
    assert reply == "Anbei der Vertrag."
    assert "Bitte senden Sie den Vertrag." in folded


def test_html_keeps_its_lines_and_drops_styles_scripts_and_entities():
    text = html_to_text(
        "<html><head><style>p{color:red}</style></head><body><p>Rate&nbsp;&amp; units</p>"
        "<script>alert(1)</script><div>second line</div></body></html>"
    )
    assert [line for line in text.splitlines() if line] == ["Rate & units", "second line"]


def test_an_unreadable_winmail_dat_is_kept_as_the_file_it_is():
    message = EmailMessage()
    message.set_content("See attached.")
    message.add_attachment(b"not tnef at all", maintype="application", subtype="ms-tnef",
                           filename="winmail.dat")  # fmt: skip
    assert files_of(message) == [("winmail.dat", "application/ms-tnef", b"not tnef at all")]
    assert read_text(message).reply == "See attached."
