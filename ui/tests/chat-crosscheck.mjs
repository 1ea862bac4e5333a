// Independent cross-check of the WhatsApp chat-export fixtures.
//
// tests/data/chats/whatsapp/*.expected.json say what our Rust reader must
// get out of each export; scripts/chat-fixtures.py derives them from its
// model of the conversation, not by parsing the files. Here a parser written
// by other people, the npm package whatsapp-chat-parser (pinned in
// package.json), reads every fixture (.txt, and the chat text inside each
// .zip) and must agree with the expectations, message by message, on:
// the sender (its system messages have none, like ours), the time (year,
// month, day, hour, minute, second), and the text (invisible marks removed,
// odd spaces made plain, on both sides alike) or, for a message that names an
// attached file, that file's name and the caption around it.
//
// A difference the npm parser has by design is listed in KNOWN below with
// its exact reason and is reported, not failed; any other difference fails.
//
// Run: cd ui/tests && npm ci && node chat-crosscheck.mjs   (or npm run chat-crosscheck)
// Prints "ok <file> <n> messages" per fixture; exits 1 listing every
// disagreement.

// The parser builds local-time Dates: in UTC no time is skipped or doubled.
process.env.TZ = 'UTC';

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { parseString } from 'whatsapp-chat-parser';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIR = path.resolve(HERE, '../../tests/data/chats/whatsapp');

// What the expectations say a reader removes from text, and the spaces it
// makes plain (scripts/chat-fixtures.py, INVISIBLE).
const visible = (s) => s.replace(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '').replace(/[\u202F\u00A0]/g, ' ');

// Differences of whatsapp-chat-parser's by design, with the reason. Each
// matches exactly one kind of field on exactly the messages it names.
const KNOWN = [
  {
    field: 'sender',
    reason:
      "iPhone writes WhatsApp's own lines (the encryption notice, 'You blocked this contact') as " +
      "'[date] <chat name>: \\u200e<text>', the same shape as a message; whatsapp-chat-parser has no " +
      'notion of iPhone system lines and reports the chat name as their author, where our ' +
      'expectations say the app wrote them (sender null, kind "system").',
    applies: (fx, exp, got) =>
      fx.variant === 'whatsapp-ios' && exp.kind === 'system' && exp.sender === null && got.author === 'Mark Example',
  },
  {
    field: 'text',
    reason:
      'whatsapp-chat-parser splits the file on line breaks and keeps the empty string after the ' +
      "newline that ends the file as one more (empty) line of the last message, so that message's " +
      'text gains a trailing "\\n"; our expectations count that newline as the end of the last line ' +
      '(it is not a line of its own). Only the last message of a file ending in a newline, and only ' +
      'when the text is otherwise identical.',
    applies: (fx, exp, got, c) => c.last && c.finalNewline && c.theirs === `${c.ours}\n`,
  },
];

function decode(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes); // drops a UTF-8 BOM
}

// Just enough zip reading for our own fixtures (stored or deflated entries),
// through the central directory, with each entry's CRC checked.
function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const skip = nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    const data = method === 0 ? raw : method === 8 ? zlib.inflateRawSync(raw) : null;
    if (!data) throw new Error(`${name}: compression method ${method}`);
    if (zlib.crc32 && zlib.crc32(data) >>> 0 !== crc) throw new Error(`${name}: CRC mismatch`);
    entries.set(name, data);
    at += 46 + skip;
  }
  return entries;
}

const pad = (n) => String(n).padStart(2, '0');
const stamp = (d) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

// The caption of an attachment message as whatsapp-chat-parser leaves it:
// Android "NAME (file attached)\ncaption", iPhone "<attached: NAME> caption".
function caption(message) {
  const text = visible(message);
  const attached = text.match(/<attached: [^>]*>/);
  if (attached) return text.replace(attached[0], '').trim();
  return text.split('\n').slice(1).join('\n');
}

function check(label, text, fx) {
  const finalNewline = text.endsWith('\n');
  const parsed = parseString(text, { daysFirst: fx.date_order === 'dmy', parseAttachments: true });
  const problems = [];
  const known = [];
  const expected = fx.messages;
  if (parsed.length !== expected.length) {
    problems.push(`${label}: ${parsed.length} messages, expected ${expected.length}`);
  }
  for (let i = 0; i < Math.min(parsed.length, expected.length); i++) {
    const got = parsed[i];
    const exp = expected[i];
    const where = `${label} message ${i + 1} (line ${exp.line})`;
    const last = i === expected.length - 1;
    const differ = (field, theirs, ours) => {
      const c = { theirs, ours, last, finalNewline };
      const k = KNOWN.find((rule) => rule.field === field && rule.applies(fx, exp, got, c));
      if (k) known.push({ where, field, theirs, ours, reason: k.reason });
      else problems.push(`${where}: ${field}: whatsapp-chat-parser ${JSON.stringify(theirs)}, expected ${JSON.stringify(ours)}`);
    };
    if (got.author !== exp.sender) differ('sender', got.author, exp.sender);
    if (stamp(got.date) !== exp.sent_at) differ('time', stamp(got.date), exp.sent_at);
    const file = got.attachment ? got.attachment.fileName : null;
    if (file !== exp.attachment) differ('attachment', file, exp.attachment);
    const theirs = exp.attachment ? caption(got.message) : visible(got.message);
    if (theirs !== exp.text) differ('text', theirs, exp.text);
  }
  // The date order: where the expectations say the file settles it (no
  // date_order_given), some date must have a day above 12, and the parser,
  // left to infer the order itself, must read the same times.
  if (fx.date_order_given === null) {
    if (!expected.some((m) => Number(m.sent_at.slice(8, 10)) > 12)) {
      problems.push(`${label}: date_order_given is null, but no date has a day above 12 to settle the order`);
    }
    const inferred = parseString(text).map((m) => stamp(m.date));
    const given = parsed.map((m) => stamp(m.date));
    if (inferred.join() !== given.join()) {
      problems.push(`${label}: whatsapp-chat-parser infers another date order than ${fx.date_order}`);
    }
  } else if (expected.some((m) => Number(m.sent_at.slice(8, 10)) > 12)) {
    problems.push(`${label}: date_order_given is set, but a date with a day above 12 settles the order anyway`);
  }
  return { n: parsed.length, problems, known };
}

const fixtures = [];
for (const name of readdirSync(DIR).sort()) {
  if (!name.endsWith('.expected.json')) continue;
  const base = name.slice(0, -'.expected.json'.length);
  const fx = JSON.parse(readFileSync(path.join(DIR, name), 'utf8'));
  if (fx.zip_chat_file) {
    const entries = unzip(readFileSync(path.join(DIR, `${base}.zip`)));
    for (const media of fx.zip_media) {
      if (!entries.has(media)) throw new Error(`${base}.zip: no ${media}`);
    }
    fixtures.push({ label: `${base}.zip:${fx.zip_chat_file}`, bytes: entries.get(fx.zip_chat_file), fx });
  } else {
    fixtures.push({ label: `${base}.txt`, bytes: readFileSync(path.join(DIR, `${base}.txt`)), fx });
  }
}

const problems = [];
const known = [];
for (const { label, bytes, fx } of fixtures) {
  const text = decode(bytes);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const result = check(label, text, fx);
  if (lines !== fx.lines) result.problems.push(`${label}: ${lines} lines, expected ${fx.lines}`);
  problems.push(...result.problems);
  known.push(...result.known);
  const note = result.known.length ? ` (${result.known.length} known difference${result.known.length > 1 ? 's' : ''})` : '';
  console.log(`${result.problems.length ? 'FAIL' : 'ok'} ${label} ${result.n} messages${note}`);
}

if (known.length) {
  console.log('\nKnown differences of whatsapp-chat-parser (not failures):');
  for (const reason of new Set(known.map((k) => k.reason))) {
    console.log(`- ${reason}`);
    for (const k of known.filter((x) => x.reason === reason)) {
      console.log(`    ${k.where}: ${k.field}: ${JSON.stringify(k.theirs)} (ours ${JSON.stringify(k.ours)})`);
    }
  }
}
const failed = fixtures.filter(({ label }) => problems.some((p) => p.startsWith(`${label}`))).length;
if (problems.length) {
  console.log(`\n${problems.length} disagreement(s):`);
  for (const p of problems) console.log(`  ${p}`);
}
console.log(`\n${fixtures.length - failed} passed, ${failed} failed`);
process.exit(problems.length ? 1 : 0);
