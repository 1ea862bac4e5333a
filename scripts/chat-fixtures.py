#!/usr/bin/env python3
"""Test fixtures for importing chat exports as evidence: tests/data/chats/.

WHAT IS GENERATED
  A small fictional harassment case (an ex-partner, "Mark Example", sending
  unwanted messages to "Jo"; nothing graphic) is kept here as a MODEL of
  conversations, and RENDERED into the files each app really writes:

  whatsapp/  "Export chat" text in ten date/time styles (Android en-GB, en-US,
             de, fr, es 24-hour, es 12-hour, pt-BR; iPhone en-GB, en-US, de),
             ambiguous-us.txt (no date tells day/month from month/day),
             android-en-gb-flagged.txt (junk lines before the first message),
             and two exports "with media" as .zip (Android and iPhone).
  telegram/  Telegram Desktop "Export chat history" (JSON): result.json and
             the photo, file and voice message it names.
  sms/       SMS Backup & Restore XML (SMS and MMS; emoji written as the app
             writes them, as numeric references to UTF-16 surrogates).
  email/     one RFC 5322 .eml and one mboxrd .mbox.

  Next to every export, <name>.expected.json says what a reader should get
  out of it. It is derived from the MODEL (and the rendering rules below),
  never by parsing the rendered file, so the two can catch each other out.
  ui/tests/chat-crosscheck.mjs checks the WhatsApp expectations against an
  independent parser (the npm package whatsapp-chat-parser).

HOW TO REGENERATE
  python3 scripts/chat-fixtures.py        (Python 3.11+, standard library only)
  It writes only under tests/data/chats/ and is deterministic: no clock, no
  randomness, no locale or time-zone lookups; running it twice gives
  byte-identical files. (The .zip entries are deflated with zlib level 9;
  a zlib other than the reference one, e.g. zlib-ng, could compress
  differently, which would show up as a changed .zip in git.)

All names, numbers (Ofcom's drama range +44 7700 900xxx) and addresses
(example.com / example.org) are fictional.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import quopri
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "chats"

MARK = "Mark Example"
JO = "Jo"

LRM = "\u200e"  # LEFT-TO-RIGHT MARK: iPhone puts it before media/system text
NNBSP = "\u202f"  # NARROW NO-BREAK SPACE: newer phones put it before AM/PM
NBSP = "\u00a0"

# Marks a reader drops from message text, and spaces it turns into " ".
INVISIBLE = {"\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def visible(text: str) -> str:
    """Text as a reader reports it: invisible marks out, odd spaces plain."""
    out = "".join(c for c in text if c not in INVISIBLE)
    return out.replace(NNBSP, " ").replace(NBSP, " ")


# ---------------------------------------------------------------------------
# Tiny but valid media files (no image library: built byte by byte)
# ---------------------------------------------------------------------------


def tiny_jpeg() -> bytes:
    """A baseline JPEG, 8x8 pixels, one grey block, ~125 bytes.

    One-code Huffman tables: the DC difference (category 0) and the AC
    end-of-block are each the 1-bit code '0', so the scan is '00' padded
    with 1s: 0x3F.
    """

    def seg(marker: int, body: bytes) -> bytes:
        return struct.pack(">HH", marker, len(body) + 2) + body

    app0 = seg(0xFFE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    dqt = seg(0xFFDB, b"\x00" + bytes([1] * 64))
    sof0 = seg(0xFFC0, b"\x08" + struct.pack(">HH", 8, 8) + b"\x01" + b"\x01\x11\x00")
    counts = bytes([1] + [0] * 15)
    dht_dc = seg(0xFFC4, b"\x00" + counts + b"\x00")
    dht_ac = seg(0xFFC4, b"\x10" + counts + b"\x00")
    sos = seg(0xFFDA, b"\x01" + b"\x01\x00" + b"\x00\x3f\x00")
    return b"\xff\xd8" + app0 + dqt + sof0 + dht_dc + dht_ac + sos + b"\x3f" + b"\xff\xd9"


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else (crc << 1)
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(payload: bytes, seq: int, flags: int, serial: int) -> bytes:
    assert len(payload) < 255
    head = b"OggS" + struct.pack("<BBqIIIB", 0, flags, 0, serial, seq, 0, 1) + bytes([len(payload)])
    page = head + payload
    crc = _ogg_crc(page)
    return page[:22] + struct.pack("<I", crc) + page[26:]


def tiny_opus(serial: int) -> bytes:
    """The two header pages of an Ogg Opus stream (no audio): a few bytes
    that `file` recognises as "Ogg data, Opus audio"."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    vendor = b"incident-diary fixtures"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    return _ogg_page(head, 0, 0x02, serial) + _ogg_page(tags, 1, 0x00, serial)


def tiny_pdf(line: str) -> bytes:
    """A one-page PDF 1.4 with one line of Helvetica text and a correct xref."""
    stream = f"BT /F1 12 Tf 20 50 Td ({line}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


JPEG = tiny_jpeg()
LETTER_PDF = tiny_pdf("A letter (fictional test data)")


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

written: list[Path] = []


def write_bytes(rel: str, data: bytes) -> None:
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    written.append(path)


def write_json(rel: str, obj: object) -> None:
    write_bytes(rel, (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def write_zip(rel: str, entries: list[tuple[str, bytes, bool]], when: tuple[int, ...]) -> None:
    """A zip with fixed timestamps and attributes, so it is byte-stable.
    entries: (name, data, deflate?)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, deflate in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            z.writestr(info, data, compresslevel=9 if deflate else None)
    write_bytes(rel, buf.getvalue())


def iso(t: dt.datetime) -> str:
    """Naive local time as written: 2026-03-01T21:41:05."""
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def utc_z(t: dt.datetime, millis: bool = False) -> str:
    t = t.astimezone(dt.timezone.utc)
    if millis:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def london(utc: dt.datetime) -> dt.datetime:
    """UK local time for 2026 (GMT, then BST from 29 March 01:00 UTC), fixed
    here rather than looked up so that the output never depends on tzdata."""
    assert utc.tzinfo is dt.timezone.utc and utc.year == 2026 and utc.month <= 6
    bst = utc >= dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.timezone.utc)
    return utc.astimezone(dt.timezone(dt.timedelta(hours=1 if bst else 0)))


# ---------------------------------------------------------------------------
# WhatsApp
# ---------------------------------------------------------------------------


@dataclass
class Ev:
    """One event of a WhatsApp chat, independent of how any phone writes it."""

    at: dt.datetime
    who: str | None  # None: the app's own line
    kind: str  # text | deleted | omitted | encryption | blocked | attached
    lines: list[str] = field(default_factory=list)  # text / caption
    file: str | None = None  # kind == attached
    only: tuple[str, ...] = ()  # languages that have this event (empty: all)
    override: dict[str, list[str]] = field(default_factory=dict)  # lang -> lines


def t(day: int, h: int, m: int, s: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, h, m, s)


# The main chat. March 2026, so that days above 12 settle the date order;
# 00:07, 00:59, 12:00 and 12:30 are the 12-hour clock's edge cases.
CHAT = [
    Ev(t(1, 21, 40, 12), None, "encryption"),
    Ev(t(1, 21, 41, 5), MARK, "text", ["Hi Jo, it's me. New number 😊"]),
    Ev(t(1, 21, 44, 30), MARK, "text", ["Why aren't you answering?"],
       override={"fr": [f"Pourquoi tu ne réponds pas{NBSP}?"]}),
    Ev(t(2, 0, 7, 41), MARK, "text", ["I drove past yours tonight. Your light was on."]),
    Ev(t(2, 7, 58, 2), JO, "text", ["Mark, please stop messaging me. I've asked you before."]),
    Ev(t(2, 8, 3, 19), MARK, "text", ["I just want to talk.", "You owe me that much.", "Call me back today 📞"]),
    Ev(t(2, 8, 4, 55), MARK, "deleted"),
    Ev(t(5, 12, 30, 0), MARK, "text", ["Saw you at Café Nero with Łukasz Wójcik 👀"]),
    Ev(t(5, 12, 31, 44), MARK, "omitted"),
    Ev(t(5, 12, 45, 9), JO, "text", ["Do not contact me again. I am keeping a record of every message."]),
    Ev(t(13, 23, 15, 27), MARK, "text", ["Tell ياسمين I said hello. I know she lives on your street."]),
    Ev(t(13, 23, 16, 2), MARK, "text", ["Remember this?", "", "Our song 🎶 “Someone Like You”"]),
    Ev(t(14, 0, 59, 59), MARK, "text", ["Goodnight Jo ❤️"]),
    Ev(t(14, 12, 0, 0), JO, "text",
       ["🤦‍♀️ This is harassment. I have reported it to the police (ref 2026/0314/117)."]),
    Ev(t(14, 12, 2, 33), MARK, "text", ["You wouldn't dare."]),
    Ev(t(20, 21, 41, 5), MARK, "text", ["I'm not going anywhere."]),
    Ev(t(20, 21, 50, 0), None, "blocked", only=("en",)),
]

# Every date in here reads as day/month and as month/day (1-12 March).
AMBIGUOUS = [
    Ev(t(1, 21, 40, 12), None, "encryption"),
    Ev(t(1, 21, 41, 5), MARK, "text", ["Hi Jo. Please don't block me again."]),
    Ev(t(2, 0, 12, 0), MARK, "text", ["Are you awake?", "I can see your window from here."]),
    Ev(t(2, 7, 30, 0), JO, "text", ["Leave me alone."]),
    Ev(t(4, 12, 15, 0), MARK, "text", ["Lunch at the usual place? 🥪"]),
    Ev(t(7, 18, 5, 0), MARK, "omitted"),
    Ev(t(9, 23, 59, 0), MARK, "text", ["You can't ignore me forever."]),
    Ev(t(11, 9, 0, 0), JO, "text", ["I have asked you to stop. This is the last reply you get."]),
    Ev(t(12, 12, 45, 0), MARK, "deleted"),
    Ev(t(12, 22, 10, 0), MARK, "text", ["Fine. See you soon."]),
]

# The Android "with media" export.
ANDROID_MEDIA = [
    Ev(t(1, 21, 40, 12), None, "encryption"),
    Ev(t(1, 21, 40, 55), MARK, "text", ["Thought you'd like this"]),
    Ev(t(1, 21, 41, 5), MARK, "attached", ["Look who I found 📸", "Outside your sister's, 9pm"],
       file="IMG-20260301-WA0003.jpg"),
    Ev(t(1, 22, 2, 0), JO, "text", ["Stop following me."]),
    Ev(t(2, 0, 14, 9), MARK, "attached", [], file="PTT-20260302-WA0004.opus"),
    Ev(t(2, 0, 15, 30), MARK, "text", ["Listen to it. All of it."]),
    Ev(t(14, 9, 12, 0), JO, "text", ["I've given your messages to the police."]),
]

# The iPhone "with media" export.
IOS_MEDIA = [
    Ev(t(1, 21, 40, 12), None, "encryption"),
    Ev(t(1, 21, 40, 58), MARK, "text", ["Thought you'd like this"]),
    Ev(t(1, 21, 41, 5), MARK, "attached", [], file="00000012-PHOTO-2026-03-01-21-41-05.jpg"),
    Ev(t(1, 21, 41, 40), MARK, "text", ["Outside your sister's. Nice curtains 🙂"]),
    Ev(t(1, 22, 2, 0), JO, "text", ["Stop following me."]),
    Ev(t(14, 9, 12, 0), JO, "text", ["I've given your messages to the police."]),
]

# The app's own words, per language. Android and iPhone differ a little
# (iPhone: no "Tap to learn more", a full stop after "deleted", "image
# omitted" instead of "<Media omitted>").
WORDS = {
    "en": {
        "encryption": "Messages and calls are end-to-end encrypted. No one outside of this chat,"
                      " not even WhatsApp, can read or listen to them.",
        "encryption_tap": " Tap to learn more.",
        "deleted": "This message was deleted",
        "deleted_ios": "This message was deleted.",
        "omitted": "<Media omitted>",
        "omitted_ios": "image omitted",
        "blocked": "You blocked this contact. Tap to unblock.",
        "attached": " (file attached)",
    },
    "de": {
        "encryption": "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb"
                      " dieses Chats kann sie lesen oder anhören, nicht einmal WhatsApp.",
        "encryption_tap": " Tippe, um mehr zu erfahren.",
        "deleted": "Diese Nachricht wurde gelöscht.",
        "deleted_ios": "Diese Nachricht wurde gelöscht.",
        "omitted": "<Medien ausgeschlossen>",
        "omitted_ios": "Bild weggelassen",
    },
    "fr": {
        "encryption": "Les messages et les appels sont chiffrés de bout en bout. Aucun tiers,"
                      " pas même WhatsApp, ne peut les lire ou les écouter.",
        "encryption_tap": " Appuyez pour en savoir plus.",
        "deleted": "Ce message a été supprimé",
        "omitted": "<Médias omis>",
    },
    "es": {
        "encryption": "Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera"
                      " de este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos.",
        "encryption_tap": " Toca para obtener más información.",
        "deleted": "Se eliminó este mensaje.",
        "omitted": "<Multimedia omitido>",
    },
    "pt": {
        "encryption": "As mensagens e as chamadas são protegidas com a criptografia de ponta a"
                      " ponta e ficam somente entre você e os participantes desta conversa. Nem"
                      " mesmo o WhatsApp pode ler ou ouvi-las.",
        "encryption_tap": " Toque para saber mais.",
        "deleted": "Mensagem apagada",
        "omitted": "<Mídia oculta>",
    },
}


def h12(hour: int) -> tuple[int, bool]:
    """12-hour clock: (1-12, pm?)."""
    return (hour % 12 or 12, hour >= 12)


# Date and time styles: each takes the model's time and writes it.
DATES = {
    "dd/mm/yyyy": lambda t: f"{t.day:02}/{t.month:02}/{t.year}",
    "m/d/yy": lambda t: f"{t.month}/{t.day}/{t.year % 100:02}",
    "d/m/yy": lambda t: f"{t.day}/{t.month}/{t.year % 100:02}",
    "dd.mm.yy": lambda t: f"{t.day:02}.{t.month:02}.{t.year % 100:02}",
}


def _en12(t: dt.datetime, seconds: bool) -> str:
    h, pm = h12(t.hour)
    s = f":{t.second:02}" if seconds else ""
    return f"{h}:{t.minute:02}{s}{NNBSP}{'PM' if pm else 'AM'}"


def _es12(t: dt.datetime, seconds: bool) -> str:
    # CLDR's Spanish day periods: "a. m." / "p. m." with a no-break space
    # inside, and (newer ICU) a narrow no-break space before.
    h, pm = h12(t.hour)
    s = f":{t.second:02}" if seconds else ""
    return f"{h}:{t.minute:02}{s}{NNBSP}{'p.' if pm else 'a.'}{NBSP}m."


TIMES = {
    "HH:MM": lambda t, sec: f"{t.hour:02}:{t.minute:02}" + (f":{t.second:02}" if sec else ""),
    "H:MM": lambda t, sec: f"{t.hour}:{t.minute:02}" + (f":{t.second:02}" if sec else ""),
    "h:MM AM": _en12,
    "h:MM p. m.": _es12,
}


@dataclass
class Variant:
    name: str
    ios: bool
    lang: str
    order: str  # dmy | mdy
    date: str
    time: str
    sep: str = ", "  # Android: between date and time
    encoding: str = "utf-8"  # utf-8 | utf-8-bom | utf-16le
    crlf: bool = False
    final_newline: bool = True
    order_given: str | None = None
    junk: tuple[str, ...] = ()  # lines before the first message
    notes: list[str] = field(default_factory=list)


VARIANTS = [
    Variant("android-en-gb", False, "en", "dmy", "dd/mm/yyyy", "HH:MM",
            notes=["Android, English (UK): '01/03/2026, 21:41 - '."]),
    Variant("android-en-us", False, "en", "mdy", "m/d/yy", "h:MM AM",
            notes=["Android, English (US): '3/1/26, 9:41\u202fPM - ' with U+202F NARROW NO-BREAK SPACE"
                   " before AM/PM; 12:07 AM is 00:07, 12:00 PM is noon."]),
    Variant("android-de", False, "de", "dmy", "dd.mm.yy", "HH:MM", encoding="utf-16le",
            notes=["Android, German: '01.03.26, 21:41 - ', written as UTF-16LE with a byte order mark."]),
    Variant("android-fr", False, "fr", "dmy", "dd/mm/yyyy", "HH:MM", sep=" à ",
            notes=["Android, French: '01/03/2026 à 21:41 - '; one message has U+00A0 before '?'"
                   " (French typography), read as a plain space."]),
    Variant("android-es-24h", False, "es", "dmy", "d/m/yy", "H:MM", sep=" ",
            notes=["Android, Spanish, 24-hour: '1/3/26 21:41 - ' (no comma, no leading zeros,"
                   " two-digit year)."]),
    Variant("android-es-12h", False, "es", "dmy", "dd/mm/yyyy", "h:MM p. m.",
            notes=["Android, Spanish, 12-hour: '01/03/2026, 9:41\u202fp.\u00a0m. - ' (U+202F before,"
                   " U+00A0 inside 'p. m.')."]),
    Variant("android-pt-br", False, "pt", "dmy", "dd/mm/yyyy", "HH:MM", sep=" ",
            notes=["Android, Portuguese (Brazil): '01/03/2026 21:41 - ' (no comma)."]),
    Variant("ios-en-gb", True, "en", "dmy", "dd/mm/yyyy", "HH:MM", encoding="utf-8-bom",
            notes=["iPhone, English (UK): '[01/03/2026, 21:41:05] ', UTF-8 with a byte order mark.",
                   "iPhone writes the app's own lines (encryption notice, 'You blocked this contact')"
                   " as if sent by the chat's name, with U+200E before the text: expected sender is"
                   " null for them."]),
    Variant("ios-en-us", True, "en", "mdy", "m/d/yy", "h:MM AM", crlf=True,
            notes=["iPhone, English (US): '[3/1/26, 9:41:05\u202fPM] ', CRLF line endings (the text"
                   " never holds \\r)."]),
    Variant("ios-de", True, "de", "dmy", "dd.mm.yy", "HH:MM", final_newline=False,
            notes=["iPhone, German: '[01.03.26, 21:41:05] '; no newline after the last line."]),
]

EXTRA_VARIANTS = [
    (Variant("ambiguous-us", False, "en", "mdy", "m/d/yy", "h:MM AM", order_given="mdy",
             notes=["Android, English (US), every date 1-12 March: day/month and month/day both"
                    " fit, so a reader must be told the order (date_order_given)."]), AMBIGUOUS),
    (Variant("android-en-gb-flagged", False, "en", "dmy", "dd/mm/yyyy", "HH:MM",
             junk=("Fwd: WhatsApp Chat with Mark Example", "Sent from my iPad"),
             notes=["Android, English (UK), after two lines of junk (as when an export is pasted"
                    " from an e-mail): those lines are flagged, not dropped. 13 March settles the"
                    " date order."]), CHAT[:8] + CHAT[10:11]),
]


def render_whatsapp(v: Variant, events: list[Ev]) -> tuple[list[str], list[dict], list[dict]]:
    """The lines of the export, the expected messages and the flagged lines."""
    w = WORDS[v.lang]
    lines: list[str] = list(v.junk)
    flagged = [{"line": i + 1, "reason": "before the first message"} for i in range(len(v.junk))]
    messages = []
    for ev in events:
        if ev.only and v.lang not in ev.only:
            continue
        stamp = ev.at if v.ios else ev.at.replace(second=0)
        date = DATES[v.date](ev.at)
        time = TIMES[v.time](ev.at, v.ios)
        head = f"[{date}, {time}] " if v.ios else f"{date}{v.sep}{time} - "
        sender = ev.who
        attachment = None
        lead = ""  # iPhone: U+200E at the start of a media line
        if ev.kind == "text":
            body = ev.override.get(v.lang, ev.lines)
            text = "\n".join(body)
            kind = "text"
        elif ev.kind == "deleted":
            said = w["deleted_ios"] if v.ios else w["deleted"]
            body = [LRM + said if v.ios else said]
            text, kind = said, "deleted"
        elif ev.kind == "omitted":
            said = w["omitted_ios"] if v.ios else w["omitted"]
            body = [LRM + said if v.ios else said]
            lead = LRM if v.ios else ""
            text, kind = said, "media_omitted"
        elif ev.kind in ("encryption", "blocked"):
            said = w["encryption"] + ("" if v.ios else w["encryption_tap"]) if ev.kind == "encryption" \
                else w["blocked"]
            body = [LRM + said if v.ios else said]
            # iPhone names the chat as the sender of its own lines.
            sender = MARK if v.ios else None
            text, kind = said, "system"
        elif ev.kind == "attached":
            attachment = ev.file
            if v.ios:
                body = [f"{LRM}<attached: {ev.file}>"] + ev.lines
                lead = LRM
            else:
                body = [ev.file + w["attached"]] + ev.lines
            text, kind = "\n".join(ev.lines).strip() if v.ios else "\n".join(ev.lines), "text"
        else:
            raise ValueError(ev.kind)
        first = lead + head + (f"{sender}: " if sender else "") + body[0]
        messages.append({
            "line": len(lines) + 1,
            "sent_at": iso(stamp),
            "sender": None if kind == "system" else sender,
            "text": visible(text),
            "attachment": attachment,
            "kind": kind,
        })
        lines.append(first)
        lines.extend(body[1:])
    return lines, messages, flagged


def encode_lines(v: Variant, lines: list[str]) -> bytes:
    nl = "\r\n" if v.crlf else "\n"
    text = nl.join(lines) + (nl if v.final_newline else "")
    if v.encoding == "utf-16le":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if v.encoding == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def whatsapp_expected(v: Variant, lines: list[str], messages: list[dict], flagged: list[dict],
                      **extra: object) -> dict:
    return {
        "format": "whatsapp",
        "variant": "whatsapp-ios" if v.ios else "whatsapp-android",
        "date_order": v.order,
        "date_order_given": v.order_given,
        "encoding": v.encoding,
        "crlf": v.crlf,
        "lines": len(lines),
        **extra,
        "notes": v.notes,
        "messages": messages,
        "flagged": flagged,
    }


def gen_whatsapp() -> None:
    for v, events in [(v, CHAT) for v in VARIANTS] + EXTRA_VARIANTS:
        lines, messages, flagged = render_whatsapp(v, events)
        write_bytes(f"whatsapp/{v.name}.txt", encode_lines(v, lines))
        write_json(f"whatsapp/{v.name}.expected.json", whatsapp_expected(v, lines, messages, flagged))

    # Exports "with media": the chat text and the files it names, zipped.
    when = (2026, 3, 14, 9, 30, 0)
    v = Variant("android-en-gb-media", False, "en", "dmy", "dd/mm/yyyy", "HH:MM",
                notes=["Android 'Export chat' > 'Include media': the text names each file as"
                       " 'NAME (file attached)'; a caption follows on the next lines."])
    lines, messages, flagged = render_whatsapp(v, ANDROID_MEDIA)
    chat_name = "WhatsApp Chat with Mark Example.txt"
    media = [("IMG-20260301-WA0003.jpg", JPEG), ("PTT-20260302-WA0004.opus", tiny_opus(0x4D41524B))]
    write_zip(f"whatsapp/{v.name}.zip",
              [(chat_name, encode_lines(v, lines), True)] + [(n, d, False) for n, d in media], when)
    write_json(f"whatsapp/{v.name}.expected.json", whatsapp_expected(
        v, lines, messages, flagged, zip_chat_file=chat_name, zip_media=[n for n, _ in media]))

    v = Variant("ios-en-gb-media", True, "en", "dmy", "dd/mm/yyyy", "HH:MM",
                notes=["iPhone 'Export Chat' > 'Attach Media': _chat.txt names each file as"
                       " '\u200e<attached: NAME>', the line itself starting with U+200E."])
    lines, messages, flagged = render_whatsapp(v, IOS_MEDIA)
    media = [("00000012-PHOTO-2026-03-01-21-41-05.jpg", JPEG)]
    write_zip(f"whatsapp/{v.name}.zip",
              [("_chat.txt", encode_lines(v, lines), True)] + [(n, d, False) for n, d in media], when)
    write_json(f"whatsapp/{v.name}.expected.json", whatsapp_expected(
        v, lines, messages, flagged, zip_chat_file="_chat.txt", zip_media=[n for n, _ in media]))


# ---------------------------------------------------------------------------
# Telegram Desktop: Settings > Export chat history, format "Machine-readable JSON"
# ---------------------------------------------------------------------------

MARK_TG = "user123456789"
JO_TG = "user987654321"

# Descriptions a reader gives Telegram's service messages (our choice, in
# English): a phone call is "Missed call" when discard_reason is "missed",
# "Declined call" when "busy", else "Call (N s)" with its duration_seconds
# ("Call" without one). The sender of a service message is its actor.
TG_SERVICE_TEXT = {"missed": "Missed call", "busy": "Declined call"}


def tg_utc(local: str) -> dt.datetime:
    """The UTC instant of a Telegram 'date' written in UK local time."""
    naive = dt.datetime.fromisoformat(local)
    for hours in (0, 1):
        utc = (naive - dt.timedelta(hours=hours)).replace(tzinfo=dt.timezone.utc)
        if london(utc).replace(tzinfo=None) == naive:
            return utc
    raise ValueError(local)


def tg_text(parts: list) -> tuple[object, list]:
    """'text' and 'text_entities' as Telegram Desktop writes them: a lone
    plain part is a bare string, else an array of bare strings (plain) and
    objects; text_entities always lists objects, plain ones as type plain."""
    if not parts:
        return "", []
    entities = [{"type": "plain", "text": p} if isinstance(p, str) else p for p in parts]
    if len(parts) == 1 and isinstance(parts[0], str):
        return parts[0], entities
    return parts, entities


def tg_message(mid: int, local: str, **fields: object) -> dict:
    utc = tg_utc(local)
    msg = {"id": mid, "type": "message", "date": local, "date_unixtime": str(int(utc.timestamp()))}
    edited = fields.pop("edited", None)
    if edited:
        msg["edited"] = edited
        msg["edited_unixtime"] = str(int(tg_utc(edited).timestamp()))
    service = fields.pop("service", None)
    parts = fields.pop("parts", [])
    if service:
        msg["type"] = "service"
        msg.update(service)
    msg.update(fields)
    msg["text"], msg["text_entities"] = tg_text(parts)
    return msg


def tg_plain(parts: list) -> str:
    return "".join(p if isinstance(p, str) else p["text"] for p in parts)


TG_MESSAGES = [
    tg_message(101, "2026-03-01T21:39:58", **{"from": MARK, "from_id": MARK_TG},
               parts=["Hi Jo. Found you on here too 🙂"]),
    tg_message(102, "2026-03-01T21:41:05", **{"from": MARK, "from_id": MARK_TG,
               "photo": "photos/photo_1@01-03-2026_21-41-05.jpg", "photo_file_size": len(JPEG),
               "width": 8, "height": 8}, parts=["Recognise this door? 🚪"]),
    tg_message(103, "2026-03-01T21:43:10", **{"from": MARK, "from_id": MARK_TG}, parts=[
        "You can block my number but ", {"type": "bold", "text": "I will always find you"},
        ". Look: ", {"type": "link", "text": "https://maps.example.com/?q=51.5007,-0.1246"}]),
    tg_message(104, "2026-03-01T21:50:00", service={
        "actor": MARK, "actor_id": MARK_TG, "action": "phone_call", "discard_reason": "missed"}),
    tg_message(105, "2026-03-01T22:02:31", **{"from": JO, "from_id": JO_TG, "reply_to_message_id": 102},
               parts=["Stop. I don't want any contact with you."]),
    tg_message(106, "2026-03-02T08:15:00", edited="2026-03-02T08:20:11",
               **{"from": MARK, "from_id": MARK_TG}, parts=["I only want to talk. Five minutes, that's all."]),
    tg_message(107, "2026-03-04T19:22:45", **{"from": MARK, "from_id": MARK_TG,
               "forwarded_from": "Łukasz Wójcik"}, parts=["Jo left the party at 11 with her sister."]),
    tg_message(108, "2026-03-05T23:02:17", **{"from": MARK, "from_id": MARK_TG,
               "file": "voice_messages/audio_1@05-03-2026_23-02-17.ogg",
               "file_name": "audio_1@05-03-2026_23-02-17.ogg", "file_size": len(tiny_opus(0x54470001)),
               "media_type": "voice_message", "mime_type": "audio/ogg", "duration_seconds": 14}),
    tg_message(109, "2026-03-06T07:45:03", **{"from": MARK, "from_id": MARK_TG,
               "file": "files/letter.pdf", "file_name": "letter.pdf", "file_size": len(LETTER_PDF),
               "mime_type": "application/pdf"}, parts=["Read it."]),
    tg_message(110, "2026-03-13T23:31:20", service={
        "actor": MARK, "actor_id": MARK_TG, "action": "phone_call", "duration_seconds": 37,
        "discard_reason": "hangup"}),
    tg_message(111, "2026-03-14T12:00:00", **{"from": JO, "from_id": JO_TG},
               parts=["I have reported you to the police. Do not contact me again."]),
    # After the clocks went forward (29 March): local 08:12:40 is 07:12:40 UTC.
    tg_message(112, "2026-03-30T08:12:40", **{"from": MARK, "from_id": MARK_TG},
               parts=["New week. I'm still here ⏰"]),
]


def tg_json(value: object, level: int) -> str:
    """JSON laid out as Telegram Desktop writes it: one space of indent per
    level, raw UTF-8, no trailing newline at the end of the file."""
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {tg_json(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + tg_json(v, level + 1) for v in value) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def gen_telegram() -> None:
    export = {"name": MARK, "type": "personal_chat", "id": 123456789, "messages": TG_MESSAGES}
    write_bytes("telegram/result.json", tg_json(export, 0).encode("utf-8"))
    write_bytes("telegram/photos/photo_1@01-03-2026_21-41-05.jpg", JPEG)
    write_bytes("telegram/voice_messages/audio_1@05-03-2026_23-02-17.ogg", tiny_opus(0x54470001))
    write_bytes("telegram/files/letter.pdf", LETTER_PDF)

    messages = []
    for m in TG_MESSAGES:
        utc = dt.datetime.fromtimestamp(int(m["date_unixtime"]), dt.timezone.utc)
        if m["type"] == "service":
            reason = m.get("discard_reason")
            text = TG_SERVICE_TEXT.get(reason) or (
                f"Call ({m['duration_seconds']} s)" if "duration_seconds" in m else "Call")
            sender, sender_id, kind = m["actor"], m.get("actor_id"), "system"
        else:
            parts = m["text"] if isinstance(m["text"], list) else [m["text"]]
            text, sender, sender_id, kind = tg_plain(parts), m["from"], m.get("from_id"), "text"
        messages.append({
            "line": None,
            "source_id": m["id"],
            "sent_at": m["date"],
            "sent_at_utc": utc_z(utc),
            "sender": sender,
            "sender_id": sender_id,
            "text": text,
            "attachment": m.get("photo") or m.get("file"),
            "kind": kind,
        })
    write_json("telegram/result.expected.json", {
        "format": "telegram",
        "variant": "telegram-desktop-json",
        "chat_name": MARK,
        "notes": [
            "Telegram Desktop 'Export chat history' in 'Machine-readable JSON', exported on a"
            " computer in the UK: 'date' is its local time (GMT, BST from 29 March), date_unixtime"
            " the instant. Message 112 is after the change: sent_at 08:12:40, sent_at_utc 07:12:40Z.",
            "text: the string, or the array's strings and its objects' 'text', concatenated.",
            "Service messages (type 'service', action 'phone_call') have kind 'system', sender ="
            " 'actor', and text: 'Missed call' (discard_reason missed), 'Declined call' (busy),"
            " else 'Call (N s)' from duration_seconds.",
            "sender_id: 'from_id' (service messages: 'actor_id'), Telegram's id of the sender.",
            "attachment: 'photo', else 'file', as written (relative to result.json).",
            "Also in the file but not in the expectations: reply_to_message_id (105 -> 102),"
            " edited/edited_unixtime (106), forwarded_from (107: 'Łukasz Wójcik').",
        ],
        "messages": messages,
        "flagged": [],
    })


# ---------------------------------------------------------------------------
# SMS Backup & Restore (Android), XML
# ---------------------------------------------------------------------------

MARK_PHONE = "+447700900123"
JO_PHONE = "+447700900456"


def sbr_escape(text: str) -> str:
    """Attribute text as SMS Backup & Restore writes it: XML escapes, control
    characters as numeric references, and every character outside the BMP
    as references to its two UTF-16 surrogates (&#55357;&#56832; for 😀)."""
    out = []
    for c in text:
        cp = ord(c)
        if c == "&":
            out.append("&amp;")
        elif c == "<":
            out.append("&lt;")
        elif c == ">":
            out.append("&gt;")
        elif c == '"':
            out.append("&quot;")
        elif cp < 0x20:
            out.append(f"&#{cp};")
        elif cp > 0xFFFF:
            cp -= 0x10000
            out.append(f"&#{0xD800 + (cp >> 10)};&#{0xDC00 + (cp & 0x3FF)};")
        else:
            out.append(c)
    return "".join(out)


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]  # no strftime %a/%b: they follow the locale


def readable(local: dt.datetime) -> str:
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local.strftime('%H:%M:%S')}"


@dataclass
class Sms:
    utc: dt.datetime
    sent: bool  # by the phone's owner (Jo)
    body: str
    photo: str | None = None  # MMS: a JPEG part with this name
    mms: bool = False


def u(day: int, h: int, m: int, s: int, ms: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, h, m, s, ms * 1000, tzinfo=dt.timezone.utc)


SMS = [
    Sms(u(1, 21, 41, 5, 123), False, "Hi Jo 😀 it's Mark. New phone, same me."),
    Sms(u(1, 21, 52, 40, 877), True, "Who gave you this number? Don't text me."),
    Sms(u(1, 22, 3, 11, 5), False, "You & me <3 forever. You know that."),
    Sms(u(2, 0, 7, 41, 402), False, "I'm outside.\nBlue car.\nCome down 🚗"),
    Sms(u(5, 12, 30, 0, 0), False, 'Say hi to Łukasz Wójcik for me 😉 He said "fine".'),
    Sms(u(5, 12, 45, 9, 311), True, "I'm saving every message you send."),
    Sms(u(6, 18, 2, 44, 950), False, "Look who I saw 👀", photo="IMG_0001.jpg", mms=True),
    Sms(u(7, 8, 15, 0, 60), False, "Nice coat today. Red suits you ❤️"),
    Sms(u(13, 23, 15, 27, 700), False, "Yasmin (ياسمين) told me where you work. 😏😏"),
    Sms(u(14, 12, 0, 0, 250), True, "Mark, this is the last time. Do not contact me, my family or my"
        " friends. Everything you send is going to the police.", mms=True),
    # After the clocks went forward: readable_date is BST.
    Sms(u(30, 7, 12, 40, 500), False, "Clocks went forward. I'm still here ⏰🙂"),
]

SMIL = ('<smil><head><layout><root-layout/><region id="Image" fit="meet" top="0" left="0"'
        ' height="80%" width="100%"/><region id="Text" top="80%" left="0" height="20%"'
        ' width="100%" fit="meet"/></layout></head><body><par dur="5000ms">'
        '<img src="IMG_0001.jpg" region="Image"/><text src="text_0.txt" region="Text"/>'
        '</par></body></smil>')
SMIL_TEXT_ONLY = ('<smil><head><layout><root-layout/><region id="Text" top="0" left="0"'
                  ' height="100%" width="100%" fit="meet"/></layout></head><body><par dur="5000ms">'
                  '<text src="text_0.txt" region="Text"/></par></body></smil>')


def gen_sms() -> None:
    backup_utc = u(30, 9, 0, 0)
    lines = [
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
        f"<!--File Created By SMS Backup & Restore v10.22.003 on"
        f" {london(backup_utc).strftime('%d/%m/%Y %H:%M:%S')}-->",
        "<!--To view this file in a more readable format, visit https://synctech.com.au/view-backup/-->",
        f'<smses count="{len(SMS)}" backup_set="6f1c2a9e-3b7d-4c55-9e08-2d4f7a1b0c93"'
        f' backup_date="{int(backup_utc.timestamp() * 1000)}" type="full">',
    ]
    messages = []
    for n, m in enumerate(SMS):
        local = london(m.utc)
        ms = int(m.utc.timestamp()) * 1000 + m.utc.microsecond // 1000
        line = len(lines) + 1
        if not m.mms:
            sent_ms = 0 if m.sent else ms - 2000 - 137 * n  # the sender's clock, a little earlier
            lines.append(
                f'  <sms protocol="0" address="{MARK_PHONE}" date="{ms}" type="{2 if m.sent else 1}"'
                f' subject="null" body="{sbr_escape(m.body)}" toa="null" sc_toa="null"'
                f' service_center="null" read="1" status="-1" locked="0" date_sent="{sent_ms}"'
                f' sub_id="1" readable_date="{readable(local)}" contact_name="{MARK}" />')
        else:
            box = 2 if m.sent else 1
            smil = SMIL if m.photo else SMIL_TEXT_ONLY
            lines.append(
                f'  <mms date="{ms}" rr="null" sub="null" ct_t="application/vnd.wap.multipart.related"'
                f' read_status="null" seen="1" msg_box="{box}" address="{MARK_PHONE}" sub_cs="null"'
                f' resp_st="{128 if m.sent else "null"}" retr_st="null" d_tm="null"'
                f' text_only="{0 if m.photo else 1}" exp="{"null" if m.sent else 604800}" locked="0"'
                f' m_id="mavodi-{n:02d}-8a1-2026" st="null" retr_txt_cs="null" retr_txt="null"'
                f' creator="{"com.google.android.apps.messaging" if m.sent else "null"}"'
                f' date_sent="{0 if m.sent else ms // 1000 - 3}" read="1"'
                f' m_size="{len(JPEG) + len(m.body.encode()) if m.photo else "null"}" rpt_a="null"'
                f' ct_cls="null" pri="{129 if m.sent else "null"}" sub_id="1" tr_id="T19c{n:02d}e1f"'
                f' resp_txt="null" ct_l="null" m_cls="personal" d_rpt="128" v="18" _id="{40 + n}"'
                f' m_type="{128 if m.sent else 132}" readable_date="{readable(local)}"'
                f' contact_name="{MARK}">')
            lines.append("    <parts>")
            lines.append(
                '      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null"'
                ' fn="null" cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null"'
                f' text="{sbr_escape(smil)}" />')
            if m.photo:
                lines.append(
                    f'      <part seq="0" ct="image/jpeg" name="{m.photo}" chset="null" cd="null"'
                    f' fn="null" cid="&lt;{m.photo}&gt;" cl="{m.photo}" ctt_s="null" ctt_t="null"'
                    f' data="{base64.b64encode(JPEG).decode()}" />')
            lines.append(
                '      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null"'
                ' cid="&lt;text_0&gt;" cl="text_0.txt" ctt_s="null" ctt_t="null"'
                f' text="{sbr_escape(m.body)}" />')
            lines.append("    </parts>")
            lines.append("    <addrs>")
            if m.sent:  # From the owner (the phone writes a placeholder), to Mark
                lines.append('      <addr address="insert-address-token" type="137" charset="106" />')
                lines.append(f'      <addr address="{MARK_PHONE}" type="151" charset="106" />')
            else:  # From Mark, to the owner
                lines.append(f'      <addr address="{MARK_PHONE}" type="137" charset="106" />')
                lines.append(f'      <addr address="{JO_PHONE}" type="151" charset="106" />')
            lines.append("    </addrs>")
            lines.append("  </mms>")
        messages.append({
            "line": line,
            "sent_at": iso(local),
            "sent_at_utc": utc_z(m.utc, millis=True),
            "sender": "me" if m.sent else MARK,
            "sender_id": None if m.sent else MARK_PHONE,
            "text": m.body,
            "attachment": m.photo,
            "kind": "text",
        })
    lines.append("</smses>")
    write_bytes("sms/sms-backup.xml", ("\n".join(lines) + "\n").encode("utf-8"))
    write_json("sms/sms-backup.expected.json", {
        "format": "sms",
        "variant": "sms-backup-restore",
        "lines": len(lines),
        "notes": [
            "SMS Backup & Restore (Android) XML. 'date' is milliseconds since the epoch (the time"
            " the phone received or sent it); sent_at_utc keeps its milliseconds ('.123Z');"
            " sent_at is readable_date, the phone's local time (UK: BST from 29 March).",
            "sender: contact_name for received (sms type 1, mms msg_box 1), 'me' for sent by the"
            " phone's owner (type 2 / msg_box 2).",
            "sender_id: 'address' (the phone number) for received; none for sent, whose address"
            " is the recipient's.",
            "Emoji outside the BMP are written as two numeric references to UTF-16 surrogates"
            " (&#55357;&#56832;), which strict XML parsers reject; text has them decoded.",
            "MMS: one message each; text = its text/plain parts joined with \\n (the SMIL part is"
            " layout, not text); attachment = the media part's name.",
            "line: the line of the <sms or <mms start tag.",
        ],
        "messages": messages,
        "flagged": [],
    })


# ---------------------------------------------------------------------------
# E-mail: one .eml (CRLF) and one mboxrd mailbox (LF)
# ---------------------------------------------------------------------------


@dataclass
class Mail:
    local: dt.datetime  # as in the Date header, with its offset
    subject: str
    body: str
    msgid: str
    from_header: str = f"{MARK} <mark@example.com>"
    encoded_subject: bool = False
    qp: bool = False
    attachment: tuple[str, str, bytes] | None = None  # (name, content type, data)


def rfc5322_date(t: dt.datetime) -> str:
    off = int(t.utcoffset().total_seconds() // 60)
    sign = "+" if off >= 0 else "-"
    return (f"{DAYS[t.weekday()]}, {t.day:02d} {MONTHS[t.month - 1]} {t.year} {t.strftime('%H:%M:%S')}"
            f" {sign}{abs(off) // 60:02d}{abs(off) % 60:02d}")


def wrap76(data: bytes) -> list[str]:
    b64 = base64.b64encode(data).decode()
    return [b64[i:i + 76] for i in range(0, len(b64), 76)]


def mail_lines(m: Mail) -> list[str]:
    subject = m.subject
    if m.encoded_subject:
        subject = "=?UTF-8?B?" + base64.b64encode(m.subject.encode()).decode() + "?="
    head = [
        f"From: {m.from_header}",
        f"To: {JO} <jo@example.org>",
        f"Subject: {subject}",
        f"Date: {rfc5322_date(m.local)}",
        f"Message-ID: <{m.msgid}>",
        "MIME-Version: 1.0",
    ]
    if m.qp:
        encoded = quopri.encodestring(m.body.encode("utf-8")).decode("ascii")
        text_part = ["Content-Type: text/plain; charset=UTF-8",
                     "Content-Transfer-Encoding: quoted-printable", ""] + encoded.split("\n")
    else:
        m.body.encode("ascii")  # 7bit means ASCII
        text_part = ["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 7bit",
                     ""] + m.body.split("\n")
    if not m.attachment:
        return head + text_part
    name, ctype, data = m.attachment
    boundary = "=_mixed_" + m.msgid.split("@")[0].replace(".", "_")
    return head + [
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        "This is a multi-part message in MIME format.",
        "",
        f"--{boundary}",
        *text_part,
        f"--{boundary}",
        f'Content-Type: {ctype}; name="{name}"',
        f'Content-Disposition: attachment; filename="{name}"',
        "Content-Transfer-Encoding: base64",
        "",
        *wrap76(data),
        f"--{boundary}--",
        "",
    ]


def tz(hours: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


EML = Mail(
    dt.datetime(2026, 3, 7, 23, 12, 44, tzinfo=tz(0)), "The letter",
    "Jo,\n\nI've written everything down in the letter attached. Read it before you go to the café"
    " on Saturday. I'll know if you haven't.\n\nYou can't keep pretending I don't exist.\n\nMark\n",
    "20260307231244.4f2a9c@mail.example.com", qp=True,
    attachment=("letter.pdf", "application/pdf", LETTER_PDF))

MBOX = [
    Mail(dt.datetime(2026, 3, 1, 21, 41, 5, tzinfo=tz(0)), "Ça va? Just checking in 🙂",
         "Jo,\n\nI know you changed your number. I have the new one.\n\nTalk soon,\nMark\n",
         "20260301214105.11aa@mail.example.com", encoded_subject=True),
    Mail(dt.datetime(2026, 4, 2, 8, 30, 0, tzinfo=tz(1)), "Saturday",
         "I saw you with Łukasz again. Don't be naïve, he won't stay.\n\nM.\n",
         "20260402073000.22bb@mail.example.com", from_header=f'"{MARK}" <mark@example.com>', qp=True),
    Mail(dt.datetime(2026, 4, 3, 23, 59, 1, tzinfo=tz(1)), "Notes",
         "From the moment you left, I wrote down where you went.\nThe notes are attached.\n",
         "20260403225901.33cc@mail.example.com",
         attachment=("notes.txt", "text/plain", b"Mon: gym 7pm\nTue: sister's 9pm\n")),
]


def mail_expected(m: Mail, line: int) -> dict:
    return {
        "line": line,
        "sent_at": iso(m.local.replace(tzinfo=None)),
        "sent_at_utc": utc_z(m.local),
        "sender": MARK,
        "sender_id": "mark@example.com",
        "subject": m.subject,
        "message_id": f"<{m.msgid}>",
        "text": m.body.rstrip(),
        "attachment": m.attachment[0] if m.attachment else None,
        "kind": "text",
    }


def mbox_from_line(m: Mail) -> str:
    u_ = m.local.astimezone(dt.timezone.utc)
    return (f"From mark@example.com {DAYS[u_.weekday()]} {MONTHS[u_.month - 1]} {u_.day:2d}"
            f" {u_.strftime('%H:%M:%S')} {u_.year}")


def gen_email() -> None:
    lines = mail_lines(EML)
    write_bytes("email/message.eml", ("\r\n".join(lines) + "\r\n").encode("ascii"))
    write_json("email/message.expected.json", {
        "format": "email",
        "variant": "eml",
        "crlf": True,
        "lines": len(lines),
        "notes": ["One RFC 5322 message, CRLF line endings: multipart/mixed, a quoted-printable"
                  " text/plain part with non-ASCII text, a base64 PDF attachment.",
                  "text: the decoded text/plain body, line endings as \\n, trailing whitespace"
                  " trimmed; attachment: the first attachment's file name; line: the line of the"
                  " message's first header."],
        "messages": [mail_expected(EML, 1)],
        "flagged": [],
    })

    lines: list[str] = []
    messages = []
    for m in MBOX:
        if lines:
            lines.append("")
        lines.append(mbox_from_line(m))
        messages.append(mail_expected(m, len(lines) + 1))
        for line in mail_lines(m):
            # mboxrd: a body line that is ">"* then "From " gets one more ">".
            if line.lstrip(">").startswith("From ") and not line.startswith("From: "):
                line = ">" + line
            lines.append(line)
    write_bytes("email/mailbox.mbox", ("\n".join(lines) + "\n").encode("ascii"))
    write_json("email/mailbox.expected.json", {
        "format": "email",
        "variant": "mboxrd",
        "crlf": False,
        "lines": len(lines),
        "notes": ["Three messages, each after a 'From ' separator line: an encoded-word Subject"
                  " (=?UTF-8?B?...?=), a quoted-printable body with a quoted display name and a"
                  " +0100 Date, and a multipart/mixed one with a text attachment.",
                  "The third body has a line that began 'From the moment': the mbox writes it as"
                  " '>From the moment' (mboxrd quoting); text has it unquoted.",
                  "line: the line of each message's first header (the one after 'From ')."],
        "messages": messages,
        "flagged": [],
    })


def main() -> None:
    gen_whatsapp()
    gen_telegram()
    gen_sms()
    gen_email()
    for path in written:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
