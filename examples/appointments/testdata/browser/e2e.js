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
const out = { steps: [] };
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
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  const launched = performance.now();
  const browser = await puppeteer.launch({ executablePath: cfg.chromium, args, headless: true });
  step('launched');
  try {
    const ctx = browser.defaultBrowserContext();
    await ctx.overridePermissions(cfg.base, ['camera', 'microphone']);
    const page = async (user, role, name) => {
      const p = await browser.newPage();
      await p.setViewport({ width: 1024, height: 640 });
      p.on('pageerror', (e) => out.steps.push(`${role} page error: ${e.message}`));
      const q = new URLSearchParams({ appointment: cfg.appointment, user, role, name });
      await p.goto(`${cfg.base}/join?${q}`, { waitUntil: 'load' });
      return p;
    };

    const doctor = await page(cfg.doctor, 'doctor', 'Dr. Gregory House');
    await waitFor(doctor, () => window.teleconsult && window.teleconsult.phase === 'in-call', null, 'the doctor is in the call');
    step('doctor in call');

    const patient = await page(cfg.patient, 'patient', 'Jane Roe');
    await waitFor(patient, () => window.teleconsult && window.teleconsult.phase === 'waiting', null, 'the patient waits');
    step('patient waiting');
    step('trying to publish while waiting');
    out.waitingPublishError = await within(20000, patient.evaluate(() => window.teleconsult.tryPublish()), 'publishing while waiting');
    step('tried: ' + out.waitingPublishError);
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
    step('both ended');

    // A second appointment, moved: the OpenVidu server goes away (the test's outage hook),
    // a new token request migrates the appointment to Jitsi, and both pages say so and rejoin
    // there, with Jitsi's join link.
    const move = cfg.appointment + '-move';
    const pageIn = async (user, role, name) => {
      const p = await browser.newPage();
      const q = new URLSearchParams({ appointment: move, user, role, name });
      await p.goto(`${cfg.base}/join?${q}`, { waitUntil: 'load' });
      return p;
    };
    const doctor2 = await pageIn(cfg.doctor, 'doctor', 'Dr. Gregory House');
    await waitFor(doctor2, () => window.teleconsult && window.teleconsult.phase === 'in-call', null, 'the doctor is in the second call');
    const patient2 = await pageIn(cfg.patient, 'patient', 'Jane Roe');
    await waitFor(patient2, () => window.teleconsult && window.teleconsult.phase === 'waiting', null, 'the patient waits in the second call');
    step('second appointment joined');
    const outage = await fetch(`${cfg.base}/test/outage`, { method: 'POST' });
    if (!outage.ok) throw new Error('outage hook: ' + outage.status);
    const tok = await fetch(`${cfg.base}/appointments/${move}/video/token`, { method: 'POST',
      headers: { 'X-User-ID': cfg.doctor, 'X-User-Role': 'doctor', 'Content-Type': 'application/json' }, body: '{}' });
    out.movedProvider = (await tok.json()).provider;
    step('moved to ' + out.movedProvider);
    for (const [p, who] of [[doctor2, 'doctor'], [patient2, 'patient']]) {
      await waitFor(p, () => window.teleconsult.phase === 'link', null, `the ${who}'s page rejoins on the new provider`);
      out[who + 'Notice'] = await p.evaluate(() => document.getElementById('notice').textContent);
      out[who + 'Link'] = await p.evaluate(() => document.getElementById('link-a').href);
    }
    if (cfg.screenshots) await within(20000, patient2.screenshot({ path: path.join(cfg.screenshots, 'moved.png') }), 'screenshot');
    step('both rejoined');
    out.errors = [
      ...(await doctor.evaluate(() => window.teleconsult.errors)),
      ...(await patient.evaluate(() => window.teleconsult.errors)),
    ];
    out.ok = true;
  } catch (e) {
    out.ok = false;
    out.error = String(e && e.stack || e);
  } finally {
    await browser.close().catch(() => {});
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})();
