//! The WhatsApp reader against the line formats of Android and iPhone in
//! several languages, and against what must be flagged or refused.

use chrono::NaiveDateTime;

use super::*;
use crate::messages::SentAt;

fn at(text: &str) -> SentAt {
    SentAt::Local(NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap())
}

/// One short chat in each format: the same three messages, a system line
/// first, and a message of two lines.
const VARIANTS: &[(&str, &str, &str)] = &[
    (
        "android en-GB",
        "whatsapp-android",
        "31/12/2025, 21:41 - Messages and calls are end-to-end encrypted. No one outside of this chat can read them.\n31/12/2025, 21:41 - Mark: I know where you are\n01/01/2026, 00:05 - Mark: Answer me\nor else\n01/01/2026, 00:07 - Jane: Leave me alone\n",
    ),
    (
        "android en-US 12h",
        "whatsapp-android",
        "12/31/25, 9:41\u{202F}PM - Messages and calls are end-to-end encrypted. No one outside of this chat can read them.\n12/31/25, 9:41\u{202F}PM - Mark: I know where you are\n1/1/26, 12:05\u{202F}AM - Mark: Answer me\nor else\n1/1/26, 12:07\u{202F}AM - Jane: Leave me alone\n",
    ),
    (
        "android de",
        "whatsapp-android",
        "31.12.25, 21:41 - Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.\n31.12.25, 21:41 - Mark: I know where you are\n01.01.26, 00:05 - Mark: Answer me\nor else\n01.01.26, 00:07 - Jane: Leave me alone\n",
    ),
    (
        "android fr",
        "whatsapp-android",
        "31/12/2025 à 21:41 - Les messages et les appels sont chiffrés de bout en bout.\n31/12/2025 à 21:41 - Mark: I know where you are\n01/01/2026 à 00:05 - Mark: Answer me\nor else\n01/01/2026 à 00:07 - Jane: Leave me alone\n",
    ),
    (
        "android es",
        "whatsapp-android",
        "31/12/25, 21:41 - Los mensajes y las llamadas están cifrados de extremo a extremo.\n31/12/25, 21:41 - Mark: I know where you are\n1/1/26, 0:05 - Mark: Answer me\nor else\n1/1/26, 0:07 - Jane: Leave me alone\n",
    ),
    (
        "android es 12h",
        "whatsapp-android",
        "31/12/25, 9:41\u{202F}p.\u{00A0}m. - Los mensajes y las llamadas están cifrados de extremo a extremo.\n31/12/25, 9:41\u{202F}p.\u{00A0}m. - Mark: I know where you are\n1/1/26, 12:05\u{202F}a.\u{00A0}m. - Mark: Answer me\nor else\n1/1/26, 12:07\u{202F}a.\u{00A0}m. - Jane: Leave me alone\n",
    ),
    (
        "android pt-BR",
        "whatsapp-android",
        "31/12/2025 21:41 - As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta.\n31/12/2025 21:41 - Mark: I know where you are\n01/01/2026 00:05 - Mark: Answer me\nor else\n01/01/2026 00:07 - Jane: Leave me alone\n",
    ),
    (
        "iphone en-GB",
        "whatsapp-ios",
        "[31/12/2025, 21:41:00] Mark: \u{200E}Messages and calls are end-to-end encrypted. No one outside of this chat can read them.\n[31/12/2025, 21:41:00] Mark: I know where you are\n[01/01/2026, 00:05:00] Mark: Answer me\nor else\n[01/01/2026, 00:07:00] Jane: Leave me alone\n",
    ),
    (
        "iphone en-US 12h",
        "whatsapp-ios",
        "\u{200E}[12/31/25, 9:41:00\u{202F}PM] Mark: \u{200E}Messages and calls are end-to-end encrypted. No one outside of this chat can read them.\n[12/31/25, 9:41:00\u{202F}PM] Mark: I know where you are\n[1/1/26, 12:05:00\u{202F}AM] Mark: Answer me\nor else\n[1/1/26, 12:07:00\u{202F}AM] Jane: Leave me alone\n",
    ),
    (
        "iphone de",
        "whatsapp-ios",
        "[31.12.25, 21:41:00] Mark: \u{200E}Messages and calls are end-to-end encrypted.\n[31.12.25, 21:41:00] Mark: I know where you are\n[01.01.26, 00:05:00] Mark: Answer me\nor else\n[01.01.26, 00:07:00] Jane: Leave me alone\n",
    ),
];

#[test]
fn every_variant_reads_as_the_same_conversation() {
    for (name, variant, text) in VARIANTS {
        let chat = parse(text.as_bytes(), None).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(chat.variant, *variant, "{name}");
        assert_eq!(
            chat.date_order,
            Some(if name.contains("en-US") {
                DateOrder::Mdy
            } else {
                DateOrder::Dmy
            }),
            "{name}"
        );
        assert!(chat.date_order_inferred, "{name}");
        assert!(chat.flagged.is_empty(), "{name}: {:?}", chat.flagged);
        assert_eq!(chat.lines, 5, "{name}");
        let m = &chat.messages;
        assert_eq!(m.len(), 4, "{name}: {m:?}");
        assert_eq!(m[0].kind, Kind::System, "{name}: {:?}", m[0]);
        assert_eq!(
            (m[1].sender.as_deref(), m[1].text.as_str()),
            (Some("Mark"), "I know where you are"),
            "{name}"
        );
        assert_eq!(m[1].sent_at, at("2025-12-31 21:41:00"), "{name}");
        assert_eq!(m[2].text, "Answer me\nor else", "{name}");
        assert_eq!((m[2].line, m[3].line), (3, 5), "{name}");
        assert_eq!(m[2].sent_at, at("2026-01-01 00:05:00"), "{name}");
        assert_eq!(m[3].sender.as_deref(), Some("Jane"), "{name}");
    }
}

#[test]
fn attachments_deletions_and_omitted_media_are_marked() {
    let android = "31/12/2025, 21:41 - Mark: IMG-20251231-WA0001.jpg (file attached)\nLook who is outside\n31/12/2025, 21:42 - Mark: <Media omitted>\n31/12/2025, 21:43 - Mark: This message was deleted\n";
    let chat = parse(android.as_bytes(), None).unwrap();
    let m = &chat.messages;
    assert_eq!(m[0].attachment.as_deref(), Some("IMG-20251231-WA0001.jpg"));
    assert_eq!(m[0].text, "Look who is outside");
    assert_eq!(m[1].kind, Kind::MediaOmitted);
    assert_eq!(m[2].kind, Kind::Deleted);
    let iphone = "[31/12/2025, 21:41:05] Mark: \u{200E}<attached: 00000012-PHOTO-2025-12-31-21-41-05.jpg>\n[31/12/2025, 21:41:06] Mark: \u{200E}image omitted\n";
    let chat = parse(iphone.as_bytes(), None).unwrap();
    assert_eq!(
        chat.messages[0].attachment.as_deref(),
        Some("00000012-PHOTO-2025-12-31-21-41-05.jpg")
    );
    assert_eq!(chat.messages[0].text, "");
    assert_eq!(chat.messages[1].kind, Kind::MediaOmitted);
}

#[test]
fn the_date_order_is_asked_for_when_no_date_decides_it() {
    let unclear = "03/04/2026, 10:00 - Mark: hello\n05/06/2026, 11:00 - Mark: again\n";
    assert_eq!(
        parse(unclear.as_bytes(), None),
        Err(ChatError::AmbiguousDateOrder)
    );
    let given = parse(unclear.as_bytes(), Some(DateOrder::Mdy)).unwrap();
    assert!(!given.date_order_inferred);
    assert_eq!(given.messages[0].sent_at, at("2026-03-04 10:00:00"));
    let mixed = "13/04/2026, 10:00 - Mark: a\n04/13/2026, 11:00 - Mark: b\n";
    assert_eq!(
        parse(mixed.as_bytes(), None),
        Err(ChatError::MixedDateOrder { dmy: 1, mdy: 2 })
    );
}

#[test]
fn every_line_is_a_message_or_flagged() {
    let text = "Chat with Mark\n\n31/12/2025, 21:41 - Mark: hi\n\nstill me\n31/02/2026, 10:00 - Mark: a day that never was\nits second line\n01/01/2026, 10:00 - Jane: ok\n";
    let chat = parse(text.as_bytes(), None).unwrap();
    assert_eq!(chat.lines, 8);
    let flagged: Vec<(usize, &str)> = chat
        .flagged
        .iter()
        .map(|f| (f.line, f.reason.as_str()))
        .collect();
    assert_eq!(
        flagged,
        [
            (1, "before the first message"),
            (2, "before the first message"),
            (6, "a date that does not exist"),
            (7, "part of a message whose date could not be read"),
        ]
    );
    assert_eq!(chat.messages[0].text, "hi\n\nstill me");
    let in_messages: usize = chat
        .messages
        .iter()
        .map(|m| m.text.lines().count().max(1))
        .sum();
    assert_eq!(
        in_messages + chat.flagged.len(),
        chat.lines,
        "nothing dropped"
    );
}

#[test]
fn what_is_not_a_chat_is_refused() {
    assert_eq!(
        parse(b"just some notes\nabout nothing\n", None),
        Err(ChatError::NotAChat)
    );
    assert_eq!(parse(b"", None), Err(ChatError::NotAChat));
    assert!(parse(b"\xff\xfe\x00", None).is_err(), "UTF-16 cut in half");
    // Times and dates that cannot be: not a message start.
    assert_eq!(
        parse(b"31/12/2025, 25:41 - Mark: x\n", None),
        Err(ChatError::NotAChat)
    );
    assert_eq!(
        parse(b"31/12/2025, 13:41 PM - Mark: x\n", None),
        Err(ChatError::NotAChat)
    );
}

/// Words that end like an attachment line are words: a typed threat must
/// not turn into a file name that hides it from search.
#[test]
fn a_sentence_is_not_taken_for_a_file() {
    let text = "31/12/2025, 21:41 - Mark: I will kill you tonight (file attached)\n31/12/2025, 21:42 - Mark: see <attached: fake.jpg> here\n";
    let chat = parse(text.as_bytes(), None).unwrap();
    assert_eq!(chat.messages[0].attachment, None);
    assert_eq!(
        chat.messages[0].text,
        "I will kill you tonight (file attached)"
    );
    assert_eq!(chat.messages[1].attachment, None);
}
