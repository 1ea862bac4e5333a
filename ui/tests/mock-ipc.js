// A stand-in for the Rust side, for UI checks in a plain browser: answers
// each command with invented data of the real shapes (src-tauri/src/dto.rs).
// `window.__MOCK__ = {mode}` chooses the first screen: "welcome" (no diary
// yet), "unlock", "went_back" (unlock finds an older copy), "guessed"
// (unlock after three wrong passphrases), "drafted" (unlock finds a draft),
// "open", or
// "warnings" (open, with the notices about an older copy and a record that
// cannot be kept). Only the IPC edge is mocked; the UI code is
// the app's own.
(() => {
  const mode = (window.__MOCK__ && window.__MOCK__.mode) || 'open';
  let unlocked = mode === 'open' || mode === 'warnings' || mode === 'long';
  const at = (d) => `${d}T18:30:00+01:00`;
  const disguises = [{ key: 'notes', name: 'Notes' }, { key: 'shopping', name: 'Shopping list' }, { key: 'todo', name: 'To do' }, { key: 'recipes', name: 'Recipes' }];
  let look = 0;
  const incident = (n, text, behaviours) => ({
    occurred_at: at(`2026-0${1 + (n % 5)}-1${n % 9}`), occurred_until: null, time_precision: 'exact',
    title: '', narrative: text, location: 'Outside work, Mill Lane', behaviours, channels: ['in_person'],
    perpetrators: [], identifiers_seen: [], people_present: [], children_present: null, witnesses: [],
    impact: 'I was frightened to go home.', fear_of_violence: true, severity: 2, response: '', preserved: '',
    police: { reported: true, force: 'Example Police', reference: 'EX/1234/26', officer: '', date: null, outcome: '' },
    other_reports: '', breach: null, tags: [], exclude_from_officer_pack: false,
  });
  const vocabulary = {
    behaviours: [
      { name: 'contact_unwanted', label: 'Contacted me when I did not want it' },
      { name: 'following', label: 'Followed me' },
      { name: 'loitering', label: 'Waited or hung around near me' },
      { name: 'threats', label: 'Threatened me' },
    ],
    channels: [
      { name: 'in_person', label: 'In person' },
      { name: 'phone_call', label: 'Phone call' },
      { name: 'text_message', label: 'Text message' },
    ],
    risk_questions: ['very_frightened', 'previous_history', 'property_damage', 'unannounced_visits', 'followed_or_loitered', 'threats_of_violence',
      'third_party_harassment', 'violence_to_others', 'engaged_others', 'drugs_alcohol_mental_health', 'criminal_history']
      .map((name, i) => ({ name, label: i === 0 ? 'Are you very frightened?' : `Screening question ${i + 1}?` })),
  };
  const weeks = Array.from({ length: 14 }, (_, i) => ({ start: `2026-0${1 + Math.floor(i / 4)}-0${1 + (i % 4) * 2}`, count: [1, 0, 2, 1, 3, 2, 0, 4, 3, 5, 2, 4, 6, 5][i] }));
  // "long": a diary of many entries (window.__MOCK__.entries, 120 by
  // default), so the paged list can be checked; otherwise six.
  const count = mode === 'long' ? (window.__MOCK__.entries || 120) : 6;
  const words = ['Waited outside work again', 'Sixteen calls overnight', 'Followed me to the bus stop', 'Message: "you can\'t hide"', 'Flowers left on the car', 'Seen at the school gate'];
  const lines = Array.from({ length: count }, (_, i) => ({
    number: count - i, occurred_at: new Date(Date.UTC(2026, 2, 6) - i * 3600e3 * 9).toISOString().replace('.000Z', '+00:00'),
    summary: words[i % 6], time_precision: 'exact', occurred_until: null,
    behaviours: ['Waited or hung around near me'], exhibits: i % 2, amendments: i === 2 ? 1 : 0, withdrawn: i === 5,
  }));
  const current = incident(4, 'He followed me from the office to the bus stop and stood behind me in the queue.', ['following']);
  Object.assign(current, { perpetrators: ['a'.repeat(32)], time_precision: 'approximate', breach: { order: 'b'.repeat(32), condition: 'No contact' } });
  const said = ['I know where you are tonight', 'Answer me', 'Your front door', 'You can\'t hide from me', 'Why did you block me?'];
  const chatMessages = Array.from({ length: 120 }, (_, i) => ({
    number: i + 1, sender: i % 7 === 3 ? 'Jo' : (i === 0 ? null : 'Mark Example'),
    sent_at: new Date(Date.UTC(2026, 2, 1, 21, 40) + i * 1800e3).toISOString().replace('.000Z', '+00:00'),
    text: i === 0 ? 'Messages and calls are end-to-end encrypted.' : (i % 7 === 3 ? 'Please stop contacting me' : said[i % 5]),
    cut: false, attachment_name: i === 2 ? 'IMG-20260301-WA0003.jpg' : null, attachment: i === 2 ? 'JE/5' : null, exhibit: i === 2 ? 5 : null,
    kind: i === 0 ? 'system' : (i === 9 ? 'deleted' : 'text'), line: i + 1,
  }));
  const conversation = {
    number: 1, title: 'WhatsApp chat with Mark Example', imported_at: at('2026-03-20'), messages: 120, flagged: 1,
    first: chatMessages[0].sent_at, last: chatMessages[119].sent_at, original: 'JE/4',
    source: { parser: 'incident-diary 0.1.0', format: 'whatsapp', variant: 'whatsapp-android', original: 4, zone: 'Europe/London', zone_given: true,
      date_order: 'dmy', date_order_given: false, lines: 121, me: 'Jo', note: 'My phone, WhatsApp, Export chat with media', looks_cut: null },
    senders: [{ number: 1, name: 'Mark Example', messages: 102, person: 'a'.repeat(32) }, { number: 2, name: 'Jo', messages: 17, person: null }], senders_total: 2,
  };
  const answers = Object.fromEntries(vocabulary.risk_questions.map((q, i) => [q.name, { answer: i % 3 ? 'no' : 'yes', note: '' }]));
  const replies = {
    status: () => ({ vault_exists: mode !== 'welcome', unlocked, wait_seconds: null }),
    create_diary: () => { unlocked = true; return { recovery_key: 'EM6S-5QBU-YF7Z-O5H7-HABY-HHRB-4SNR-VWS6-SUA2-TX73-2X5T-D26J-NQJQ-XLMD' }; },
    unlock: (args) => {
      // "went_back": the diary holds less than this device last saw.
      if (mode === 'went_back' && !(args && args.acceptOlder)) {
        throw { code: 'went_back', message: 'the diary went back in time: this device last saw 52 log entries, the last recorded 2026-03-20 21:14 +00:00; this copy holds 40' };
      }
      unlocked = true;
      const guessed = mode === 'guessed';
      return { last_entry: 31, last_recorded_at: '2026-03-20T21:14:00+00:00', wrong_passphrases: guessed ? 3 : 0, last_wrong_at: guessed ? '2026-03-21T02:10:00Z' : null, recovery_key_unkept: guessed };
    },
    disguise: () => ({ current: disguises[look], choices: disguises }),
    set_disguise: (args) => { look = disguises.findIndex((d) => d.key === args.key); return { current: disguises[look], choices: disguises }; },
    notes: () => 'Milk, bread, call the dentist',
    save_notes: () => null,
    // `refuseDrafts`: the disk is full, or the form is too long to keep.
    save_draft: () => {
      if (window.__MOCK__ && window.__MOCK__.refuseDrafts) throw { code: 'invalid', field: 'draft', message: 'it is too long to keep as a draft: save it as an entry now' };
      return null;
    },
    backup_state: () => ({ last: null, place: null }),
    backup_now: () => ({ path: '/media/usb/backup-2026-03-06.age', created_at: '2026-03-06T18:30:00+00:00', log_entries: 31, exhibits: 3, bytes: 5242880 }),
    restore_backup: () => ({ created_at: '2026-03-06T18:30:00+00:00', log_entries: 31, exhibits: 3 }),
    discard_draft: () => null,
    recovery_key_kept: () => null,
    remove_exhibit: () => null,
    delete_export: () => null,
    pick_files: () => [{ name: 'IMG_2050.jpg', size: 2480133 }, { name: 'Screenshot 2026-03-05.png', size: 412000 }],
    attach_files: () => [],
    // "drafted": an entry was half-written when the diary locked.
    draft: () => (mode === 'drafted' ? [{ kind: 'add', values: { narrative: 'He was outside again at 7am, by the', behaviours: ['loitering'] } },
      { kind: 'amend', number: 4, values: { narrative: 'He followed me from the office to the bus stop and stood behind me', reason: 'Remembered more' } },
      { kind: 'person', id: 'a'.repeat(32), values: { identifiers: 'AB12 CDE\nXY70 ZZZ', reason: 'Saw a second car' } }] : []),
    lock: () => { unlocked = false; return null; },
    change_passphrase: () => null,
    recover: () => { unlocked = true; return { recovery_key: 'H3KQ-7WPA-MD4K-29RT-LW8E-NC5V-BJ3Y-UP6G-KS7D-EF4H-2MWA-R9TC-XN8B-VL5Q', fingerprint: 'SHA256:teY6r4EslJvxhrTR694Q+weD610UcIrNFHdWkoToUHc' }; },
    rotate_keys: () => ({ recovery_key: 'QZ2F-7HXA-MD4K-29RT-LW8E-NC5V-BJ3Y-UP6G-KS7D-EF4H-2MWA-R9TC-XN8B-VL5Q', fingerprint: 'SHA256:teY6r4EslJvxhrTR694Q+weD610UcIrNFHdWkoToUHc' }),
    still_here: () => null,
    set_auto_lock: () => null,
    vocabulary: () => vocabulary,
    // Paged as Rust pages it: `limit` lines (50 by default, 200 at most) from `offset`.
    timeline: (args) => {
      const q = (args && args.query) || {};
      const found = q.text ? lines.filter((l) => l.summary.toLowerCase().includes(q.text.toLowerCase())) : lines;
      const limit = Math.min(q.limit || 50, 200);
      return {
        weeks: q.lines_only ? [] : weeks, weeks_before: 0,
        behaviours: q.lines_only ? [] : [{ behaviour: 'loitering', label: 'Waited or hung around near me', count: 9 }, { behaviour: 'contact_unwanted', label: 'Contacted me when I did not want it', count: 7 }],
        incidents: found.slice(q.offset || 0, (q.offset || 0) + limit), offset: q.offset || 0, matching: found.length, total: lines.length, last_backup: null, log_entries: 31, last_saved: '2026-03-20T21:14:00+00:00', anchor_trouble: mode === 'warnings' ? 'could not write this device\'s record of the diary' : null, newer_copy_seen: mode === 'warnings' ? 52 : null  };
    },
    profile: () => ({
      case: { victim_name: 'Jane Example', exhibit_prefix: 'JE', police_force: 'Example Police', officer: 'PC 1234 Example', crime_references: ['EX/1234/26'] },
      people: [{ id: 'a'.repeat(32), recorded_at: at('2026-01-02'), role: 'perpetrator', name: 'Mark Example', aliases: ['Marky'], relationship: 'Former partner', description: 'Tall, grey coat', identifiers: ['AB12 CDE'],
        corrections: 1, history: [{ recorded_at: at('2026-02-10'), reason: 'Found out his car', replaced: { role: 'perpetrator', name: 'Mark Example', aliases: [], relationship: 'Former partner', description: '', identifiers: [] } }] }],
      orders: [{ id: 'b'.repeat(32), recorded_at: at('2026-01-03'), type: 'non_molestation_order', reference: 'NMO/26/001', court: 'Example Family Court', made_on: '2026-02-01', expires: '2027-02-01', conditions: ['No contact'], corrections: 0, history: [] }],
      risk_checks: [{ id: 'c'.repeat(32), recorded_at: at('2026-03-01'), date: '2026-03-01', answers, completed_with: '' }],
    }),
    incident: () => ({
      number: 4, id: 'd'.repeat(32), current,
      history: [
        { version: 1, recorded_at: at('2026-03-04'), reason: null, incident: incident(4, 'He followed me from the office to the bus stop.', ['following']) },
        { version: 2, recorded_at: at('2026-03-05'), reason: 'Remembered the queue', incident: current },
      ],
      withdrawn: null, versions: 2, exhibits_from: 0, exhibits_total: 3,
      quoted: chatMessages.slice(1, 3).map((m) => ({ conversation: 1, title: conversation.title, ...m })), quoted_total: 2,
      exhibits: [{ number: 1, label: 'JE/1', incident_number: 4, original_name: 'IMG_2041.jpg', size: 2480133, media_type: 'image/jpeg', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', description: 'Him at the bus stop', added_at: at('2026-03-04'), captured_at: '2026-03-04 17:58:02', deleted: null, is_photo: true },
        { number: 2, label: 'JE/2', incident_number: 4, original_name: 'voicemail.wav', size: 88244, media_type: 'audio/wav', sha256: '5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef', description: 'His voicemail', added_at: at('2026-03-04'), captured_at: null, deleted: null, is_photo: false },
        { number: 3, label: 'JE/3', incident_number: 4, original_name: 'letter.pdf', size: 120000, media_type: 'application/pdf', sha256: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae', description: 'Letter from his solicitor', added_at: at('2026-03-04'), captured_at: null, deleted: null, is_photo: false }],
    }),
    exhibit_thumbnail: () => null,
    exhibit_picture: () => 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    // A second of silence as WAV: the player needs real audio to load.
    exhibit_media: () => {
      const rate = 8000;
      const buf = new ArrayBuffer(44 + rate);
      const v = new DataView(buf);
      const text = (o, t) => [...t].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
      text(0, 'RIFF'); v.setUint32(4, 36 + rate, true); text(8, 'WAVEfmt '); v.setUint32(16, 16, true);
      v.setUint16(20, 1, true); v.setUint16(22, 1, true); v.setUint32(24, rate, true); v.setUint32(28, rate, true);
      v.setUint16(32, 1, true); v.setUint16(34, 8, true); text(36, 'data'); v.setUint32(40, rate, true);
      for (let i = 0; i < rate; i++) v.setUint8(44 + i, 128);
      return buf;
    },
    open_exhibit: () => null,
    open_report: () => null,
    add_incident: () => ({ number: 7 }),
    amend_incident: () => null,
    amend_person: () => null,
    amend_order: () => null,
    // Message import: one WhatsApp conversation of 120 messages.
    device_zone: () => 'Europe/London',
    pick_chat: () => ({ name: 'WhatsApp Chat with Mark Example.zip', size: 2480133 }),
    import_chat: async (args) => {
      // `askOrder`: the dates could be either way, until she says which.
      if (window.__MOCK__.askOrder && !args.request.date_order) {
        throw { code: 'invalid', field: 'date_order', message: 'every date in this chat could be day/month or month/day: say which (--date-order dmy or mdy)' };
      }
      // `slowImport`: the import takes this long (as a big zip does), and
      // finishes even if the diary was locked meanwhile, as Rust's does.
      if (window.__MOCK__.slowImport) await new Promise((done) => setTimeout(done, window.__MOCK__.slowImport));
      return conversation;
    },
    conversations: () => ({
      conversations: [{ number: 1, title: conversation.title, messages: 120, flagged: 1, first: conversation.first, last: conversation.last,
        original: 'JE/4', format: 'whatsapp', zone: 'Europe/London' }],
      total: 1,
    }),
    conversation: (args) => {
      const q = args.query || {};
      const text = (q.text || '').toLowerCase();
      const found = chatMessages.filter((m) => !text || m.text.toLowerCase().includes(text));
      return { conversation, messages: found.slice(q.offset || 0, (q.offset || 0) + (q.limit || 50)), offset: q.offset || 0, matching: found.length };
    },
    incident_from_messages: () => ({ number: 7 }),
    quote_messages: () => null,
    link_sender: () => null,
    export_bundle: () => ({ path: '/home/jane/incident-diary-2026-03-06-1830.zip', fingerprint: 'SHA256:q0Vb8dP8mC9eQfYk7oP3z1m9zS5w8Yb0h2t4Lr6uXcE', incidents: 5, exhibits: 3, left_out: 1 }),
  };
  window.__TAURI__ = {
    core: {
      invoke: async (command, args) => {
        window.__MOCK_CALLS__ = (window.__MOCK_CALLS__ || []).concat([command]);
        // What reads the diary answers "locked" once it is, as Rust does.
        if (!unlocked && ['conversation', 'conversations', 'timeline', 'incident', 'profile'].includes(command)) {
          throw { code: 'locked', message: 'the diary is locked' };
        }
        const reply = replies[command];
        if (!reply) return null;
        return reply(args);
      },
    },
    event: { listen: async () => () => {} },
  };
})();
