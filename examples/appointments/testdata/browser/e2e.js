// Drives the appointments example's join page in headless Chromium for browser_test.go: a
// doctor and a patient of one appointment, the patient in the waiting room until the doctor
// admits them, each receiving the other's fake camera, then the doctor ending the consultation.
// It prints one JSON object with what it saw and how long each step took.
//
//   node e2e.js '{"base":"http://127.0.0.1:PORT","chromium":"/usr/bin/chromium",
//                 "appointment":"e2e","doctor":"dr","patient":"pat","screenshots":"DIR"}'
'use strict';
const path = require('path');
const puppeteer = require('puppeteer-core');

const cfg = JSON.parse(process.argv[2]);
const out = { steps: [], pageErrors: [] };
const step = (name) => { out.steps.push(name); process.stderr.write(`e2e: ${name}\n`); };
const since = (t) => Math.round(performance.now() - t);
const within = (ms, promise, what) => Promise.race([promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms))]);

async function waitFor(page, fn, arg, what) {
  try {
    await page.waitForFunction(fn, { timeout: 30000, polling: 100 }, arg);
  } catch (e) {
    const st = await page.evaluate(() => JSON.stringify(window.teleconsult || null)).catch(() => 'unreadable');
    throw new Error(`${what}: ${e.message}; page state ${st}`);
  }
}

(async () => {
  const args = [
    '--headless=new', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
    '--disable-gpu', '--mute-audio', '--no-first-run', '--no-default-browser-check',
  ];
  args.push('--no-sandbox'); // root, or a container without user namespaces; the browser only visits 127.0.0.1
  const launched = performance.now();
  const browser = await puppeteer.launch({ executablePath: cfg.chromium, args, headless: true });
  process.on('SIGTERM', () => { browser.close().finally(() => process.exit(2)); }); // the test's deadline
  step('launched');
  try {
    const ctx = browser.defaultBrowserContext();
    await ctx.overridePermissions(cfg.base, ['camera', 'microphone']);
    const page = async (appointment, user, role) => {
      const p = await browser.newPage();
      await p.setViewport({ width: 1024, height: 640 });
      p.on('pageerror', (e) => out.pageErrors.push(`${role}: ${e.message}`));
      const q = new URLSearchParams({ appointment, user, role });
      await p.goto(`${cfg.base}/join?${q}`, { waitUntil: 'load' });
      return p;
    };

    const doctor = await page(cfg.appointment, cfg.doctor, 'doctor');
    await waitFor(doctor, () => window.teleconsult && window.teleconsult.phase === 'in-call', null, 'the doctor is in the call');
    step('doctor in call');

    const patient = await page(cfg.appointment, cfg.patient, 'patient');
    await waitFor(patient, () => window.teleconsult && window.teleconsult.phase === 'waiting', null, 'the patient waits');
    step('patient waiting');
    // The waiting patient's page tries to publish a camera, as a click would: the client
    // refuses for want of permission (that the server refuses a client that asks anyway is
    // openvidu's TestWaitingRoomPatientPublishesOnlyAfterAdmission), and the server holds no
    // track of theirs.
    step('trying to publish while waiting');
    out.waitingPublishError = await within(30000, patient.evaluate(async () => {
      const track = await LivekitClient.createLocalVideoTrack({ resolution: LivekitClient.VideoPresets.h180.resolution });
      try {
        await window.teleconsult.room().localParticipant.publishTrack(track);
        return '';
      } catch (e) {
        return String(e && e.message || e);
      } finally {
        track.stop();
      }
    }), 'publishing while waiting');
    await new Promise((r) => setTimeout(r, 3000)); // time for anything that did get out to arrive
    step('tried: ' + out.waitingPublishError);
    out.serverView = await (await fetch(`${cfg.base}/test/participants?appointment=${cfg.appointment}`)).json();
    out.doctorFramesBeforeAdmit = await doctor.evaluate((id) => window.teleconsult.frames[id] || 0, cfg.patient);
    await waitFor(doctor, (id) => !!document.getElementById('admit-' + id), cfg.patient, 'the doctor sees the waiting patient');
    step('doctor sees the waiting patient');
    if (cfg.screenshots) await within(20000, patient.screenshot({ path: path.join(cfg.screenshots, 'waiting-room.png') }), 'screenshot');
    step('screenshot of the waiting room');

    const admitted = performance.now();
    // A click through the DOM: the doctor's page is a background tab, whose frames headless
    // Chromium does not render, and a pointer click waits for one.
    await doctor.evaluate((id) => document.getElementById('admit-' + id).click(), cfg.patient);
    step('admit clicked');
    await waitFor(patient, () => window.teleconsult.phase === 'in-call', null, 'the admitted patient publishes');
    await waitFor(doctor, (id) => (window.teleconsult.frames[id] || 0) > 0, cfg.patient, "the doctor decodes the patient's frames");
    out.admitToDoctorFrameMs = since(admitted);
    await waitFor(patient, (id) => (window.teleconsult.frames[id] || 0) > 0, cfg.doctor, "the patient decodes the doctor's frames");
    out.admitToPatientFrameMs = since(admitted);
    out.launchToFirstFramesMs = since(launched);
    step('both decode the other');
    await new Promise((r) => setTimeout(r, 1500)); // a few more frames, for the pictures
    out.doctorFrames = await doctor.evaluate((id) => window.teleconsult.frames[id], cfg.patient);
    out.patientFrames = await patient.evaluate((id) => window.teleconsult.frames[id], cfg.doctor);
    if (cfg.screenshots) {
      await within(20000, doctor.screenshot({ path: path.join(cfg.screenshots, 'doctor.png') }), 'screenshot');
      await within(20000, patient.screenshot({ path: path.join(cfg.screenshots, 'patient.png') }), 'screenshot');
    }
    step('screenshots of the call');

    await doctor.evaluate(() => document.getElementById('end').click());
    step('end clicked');
    await waitFor(doctor, () => window.teleconsult.phase === 'ended', null, "the doctor's page ends");
    await waitFor(patient, () => window.teleconsult.phase === 'ended', null, "the patient's page ends");
    // Both were disconnected by the server deleting the room, not by the page's own look at
    // the status.
    out.endedByServer = await Promise.all([doctor, patient].map((p) => p.evaluate(() =>
      window.teleconsult.disconnectReason === LivekitClient.DisconnectReason.ROOM_DELETED)));
    step('both ended');
    const errorsOf = async (...pages) => (await Promise.all(pages.map((p) => p.evaluate(() => window.teleconsult.errors)))).flat();
    out.errors = await errorsOf(doctor, patient);

    // A second appointment, moved: the OpenVidu server dies (the test's outage hook); each page,
    // its connection lost, asks for a new token, which moves the appointment to Jitsi, and both
    // say so and rejoin there, with Jitsi's join link.
    const move = cfg.appointment + '-move';
    const doctor2 = await page(move, cfg.doctor, 'doctor');
    await waitFor(doctor2, () => window.teleconsult && window.teleconsult.phase === 'in-call', null, 'the doctor is in the second call');
    const patient2 = await page(move, cfg.patient, 'patient');
    await waitFor(patient2, () => window.teleconsult && window.teleconsult.phase === 'waiting', null, 'the patient waits in the second call');
    step('second appointment joined');
    const outage = await fetch(`${cfg.base}/test/outage`, { method: 'POST' });
    if (!outage.ok) throw new Error('outage hook: ' + outage.status);
    step('the server is gone');
    for (const [p, who] of [[doctor2, 'doctor'], [patient2, 'patient']]) {
      await waitFor(p, () => window.teleconsult.phase === 'link', null, `the ${who}'s page rejoins on the new provider`);
      out[who + 'Notice'] = await p.evaluate(() => document.getElementById('notice').textContent);
      out[who + 'Link'] = await p.evaluate(() => document.getElementById('link-a').href);
      out[who + 'Provider'] = await p.evaluate(() => window.teleconsult.provider);
    }
    out.errors.push(...(await errorsOf(doctor2, patient2)));
    if (cfg.screenshots) await within(20000, patient2.screenshot({ path: path.join(cfg.screenshots, 'moved.png') }), 'screenshot');
    step('both rejoined');
    out.ok = true;
  } catch (e) {
    out.ok = false;
    out.error = String(e && e.stack || e);
  } finally {
    await browser.close().catch(() => {});
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})();
