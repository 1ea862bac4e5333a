// "Staying safe": what to do in danger, who helps with stalking, how the
// quick exit and the lock work, and a short check of the phone and its
// accounts. Reachable from every open screen (the menu) and from the first
// screen before a diary exists, so it needs nothing from Rust but the
// disguise's name. The numbers are plain text, not `tel:` links: without an
// opener plugin a link would navigate the app's own window away.
//
// Sources: the police's Silent Solution (999, then 55 from a mobile), the
// Suzy Lamplugh Trust (National Stalking Helpline), Paladin, Refuge
// (National Domestic Abuse Helpline), NNEDV's technology safety guidance.

import { call } from '../ipc.js';
import { h } from '../dom.js';
import * as safety from '../safety.js';

const section = (id, title, ...body) =>
  h('section', { class: 'card stack', 'aria-labelledby': id }, h('h2', { id }, title), ...body);

const number = (label, digits, ...notes) =>
  h('li', {}, h('strong', {}, label), ': ', h('span', { class: 'phone-number' }, digits), notes.length ? h('br') : null, ...notes);

function danger() {
  return section('danger-title', 'If you are in danger now',
    h('p', { class: 'lead' }, 'Call ', h('span', { class: 'phone-number' }, '999'), ' and ask for the police.'),
    h('ul', {},
      h('li', {}, 'If you cannot speak, stay on the line and listen. Cough or tap the phone if you can.'),
      h('li', {}, 'From a mobile, if you are asked to, press ', h('span', { class: 'phone-number' }, '55'),
        '. This tells the police it is a real emergency and puts you through to them. It does not tell them where you are: say it, or tap out answers to their questions, if you can.'),
      h('li', {}, 'From a landline, stay on the line: if the operator hears nothing they put the call through to the police.')),
    h('p', {}, 'If it is not an emergency, call the police on ', h('span', { class: 'phone-number' }, '101'),
      '. Give them your reference number if you have one.'),
    h('h3', {}, 'Before you need it'),
    h('p', {}, 'If you are deaf or find speaking hard, register your mobile for emergency text messages now: text "register" to ',
      h('span', { class: 'phone-number' }, '999'), '. It only works once you have registered. You can also call ',
      h('span', { class: 'phone-number' }, '18000'), ' through Relay UK.'));
}

function support() {
  return section('support-title', 'Help with stalking',
    h('p', {}, 'These services are free and confidential. They can help you report, stay safe and keep your evidence.'),
    h('ul', { class: 'contacts' },
      number('National Stalking Helpline', '0808 802 0300', 'Advice for anyone being stalked. Open on weekdays in the daytime, not on bank holidays.'),
      number('Paladin, National Stalking Advocacy Service', '020 3866 4107', 'Advocates who work with you and the police, especially when the risk is high.'),
      number('National Domestic Abuse Helpline (England)', '0808 2000 247', 'Free, day and night, if the person stalking you is a partner, an ex-partner or family.'),
      number('Live Fear Free (Wales)', '0808 80 10 800', 'Free, day and night.'),
      number('Domestic Abuse and Forced Marriage Helpline (Scotland)', '0800 027 1234', 'Free, day and night.'),
      number('Domestic and Sexual Abuse Helpline (Northern Ireland)', '0808 802 1414', 'Free, day and night.'),
      number('Men\'s Advice Line', '0808 801 0327', 'For men experiencing abuse.'),
      number('Galop', '0800 999 5428', 'For LGBT+ people experiencing abuse.')),
    h('h3', {}, 'Someone in your area'),
    h('p', {}, 'An IDVA (Independent Domestic Violence Adviser) or an ISAC (Independent Stalking Advocacy Caseworker) can support you through the police and the courts. Ask the National Stalking Helpline, the police officer on your case, or your GP for the service near you.'));
}

function theLock(name) {
  return section('lock-title', 'How Quick exit and the lock work',
    h('ul', {},
      h('li', {}, 'Press Quick exit at the top of every screen, or press the Shift key three times. Everything disappears at once and the diary locks.'),
      h('li', {}, `The diary also locks after ${safety.autoLockMinutes()} minutes without use, when the app is hidden (on a phone, when you switch to another app) and when the window is minimised. Anything you were writing is kept safely and offered back when you open the diary again.`),
      h('li', {}, `When the diary is locked, the app looks like a plain notes page called "${name}". You can change the name and icon in Settings.`),
      h('li', {}, `To get back in, press and hold the word "${name}" at the top for a second, then type your passphrase.`)));
}

function device() {
  return section('device-title', 'Check your phone and accounts',
    h('p', {}, 'The person stalking you may be able to see your phone or your accounts. These checks take a few minutes. If you think they are watching your phone, talk to a helpline first: changing things can warn them.'),
    h('ul', { class: 'checklist' },
      h('li', {}, h('strong', {}, 'Your phone\'s lock. '), 'Use a PIN or password that nobody else knows, different from your diary passphrase. Check that no one else\'s fingerprint or face is set up to unlock it.'),
      h('li', {}, h('strong', {}, 'Shared accounts. '), 'If someone knows the password of your Apple ID or Google account, they may see your photos, messages, location and backups. Changing it signs them out, so they may notice: think about when you do it. Change it from a device they have not touched, and turn on two-step verification.'),
      h('li', {}, h('strong', {}, 'Photos that sync. '), 'A photo or screenshot you take may also go to iCloud Photos, Google Photos or a shared album someone else can see. Ask the officer in your case before deleting originals: the original file can matter as evidence.'),
      h('li', {}, h('strong', {}, 'Calls and messages. '), 'Calls to a helpline show in your call history, and messages stay in your inbox. Use a phone they cannot check if you can.'),
      h('li', {}, h('strong', {}, 'Location. '), 'Check who can see where you are: Find My, Google Maps location sharing, Snapchat Map, family sharing. Your phone can warn you about an unknown tracker (AirTag or similar) moving with you. A tracker you find is evidence: tell the police before you throw it away.'),
      h('li', {}, h('strong', {}, 'Signs of spyware. '), 'They know things they should not, the battery runs down fast, or there are apps you do not recognise. Removing spyware can warn them and destroy evidence: get advice first.'),
      h('li', {}, h('strong', {}, 'Your passphrase and recovery key. '), 'If someone may know either, change your passphrase in Settings and tick "Someone else knows".'),
      h('li', {}, h('strong', {}, 'Backups. '), 'Keep a backup of the diary somewhere they cannot reach, so nothing is lost if your phone is taken or broken.')));
}

export async function render(ctx, params = {}) {
  const look = await call('disguise').catch(() => null);
  const name = look?.current?.name || 'Notes';
  // From the first screen (no diary open) the way back is a button, as the
  // menu is not shown.
  const back = params.back
    ? h('button', { type: 'button', class: 'primary', onclick: () => ctx.go(params.back) }, params.backLabel || 'Back')
    : null;
  const top = params.back
    ? h('button', { type: 'button', class: 'quiet back', onclick: () => ctx.go(params.back) }, `← ${params.backLabel || 'Back'}`)
    : null;
  return h('div', { class: 'stack' },
    top,
    h('h1', { id: 'safe-title' }, 'Staying safe'),
    danger(),
    support(),
    theLock(name),
    device(),
    back);
}
