// oracle.js drives the official OpenVidu 2 Node client (openvidu-node-client 2.32.2) against
// the fake, for TestOfficialNodeClientAgrees. Whatever the client sends, reads and concludes
// from the fake's answers must be what it would against a real OpenVidu 2.32 deployment.
//
// Environment:
//   OPENVIDU_NODE_CLIENT_DIR  directory whose node_modules holds openvidu-node-client
//   OV_URL, OV_SECRET         a fake with recording enabled, edition "ce"
//   OV_PRO_URL                a fake with recording disabled, edition "pro" (same secret)
//
// Protocol with the Go test, one line each way: to have a participant join with a
// connection's token, the script prints "ACTIVATE <sessionId> <connectionId>" and waits for
// "OK" (or "ERR <message>") on stdin; the Go side calls Server.Activate in between. The last
// line is "SUMMARY <json>". Other stdout lines are ignored. Any failure prints the message to
// stderr and exits 1.
'use strict';

const readline = require('readline');

const clientDir = process.env.OPENVIDU_NODE_CLIENT_DIR;
const clientPath = require.resolve('openvidu-node-client', { paths: [clientDir] });
const clientVersion = require(require.resolve('openvidu-node-client/package.json', { paths: [clientDir] })).version;
const { OpenVidu, OpenViduRole, Recording, MediaMode, RecordingMode } = require(clientPath);

let checks = 0;

function check(condition, what) {
  checks++;
  if (!condition) {
    throw new Error('check failed: ' + what);
  }
}

// expectReject checks that promise rejects with the client's Error carrying HTTP status.
async function expectReject(promise, status, what) {
  let result;
  try {
    result = await promise;
  } catch (err) {
    check(err instanceof Error && err.message === status,
      `${what}: rejected with "${err && err.message}", want "${status}"`);
    return;
  }
  throw new Error(`${what}: resolved (${JSON.stringify(result, replacer)}), want a rejection with "${status}"`);
}

// replacer drops the client's back-reference from a Session to its OpenVidu.
function replacer(key, value) {
  return key === 'ov' ? undefined : value;
}

// The stdin side of the ACTIVATE handshake.
const answers = [];
const waiters = [];
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const waiter = waiters.shift();
  if (waiter) waiter(line); else answers.push(line);
});

function nextAnswer(timeoutMs) {
  if (answers.length > 0) return Promise.resolve(answers.shift());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from the Go test on stdin')), timeoutMs);
    waiters.push((line) => { clearTimeout(timer); resolve(line); });
  });
}

async function activate(sessionId, connectionId) {
  process.stdout.write(`ACTIVATE ${sessionId} ${connectionId}\n`);
  const answer = await nextAnswer(10000);
  if (answer !== 'OK') {
    throw new Error(`activating ${connectionId}: ${answer}`);
  }
}

const tokenPattern = /^wss:\/\/[^?]+\?sessionId=([^&]+)&token=(tok_[A-Za-z0-9]{16})$/;

async function main() {
  const url = process.env.OV_URL;
  const secret = process.env.OV_SECRET;
  const proUrl = process.env.OV_PRO_URL;
  check(clientVersion === '2.32.2', `openvidu-node-client version ${clientVersion}, want 2.32.2`);
  const summary = { clientVersion };

  const ov = new OpenVidu(url, secret);
  ov.enableProdMode();

  // Wrong credentials are refused.
  await expectReject(new OpenVidu(url, 'not-' + secret).createSession({}), '401', 'createSession with a wrong secret');

  // A session with a custom id, with the properties the fake reports back.
  const customId = 'oracle_session-1';
  const session = await ov.createSession({ customSessionId: customId, mediaMode: MediaMode.ROUTED, recordingMode: RecordingMode.MANUAL });
  check(session.sessionId === customId, `sessionId ${session.sessionId}`);
  check(typeof session.createdAt === 'number' && session.createdAt > 0, 'createdAt is a timestamp');
  check(session.properties.customSessionId === customId, 'properties.customSessionId');
  check(session.properties.mediaMode === 'ROUTED' && session.properties.recordingMode === 'MANUAL', 'media and recording modes');
  check(session.properties.forcedVideoCodec === 'MEDIA_SERVER_PREFERRED', `forcedVideoCodec ${session.properties.forcedVideoCodec}`);
  check(session.properties.allowTranscoding === false, 'allowTranscoding');
  const drp = session.properties.defaultRecordingProperties;
  check(drp && drp.outputMode === 'COMPOSED' && drp.recordingLayout === 'BEST_FIT' && drp.resolution === '1280x720' && drp.frameRate === 25,
    `defaultRecordingProperties ${JSON.stringify(drp)}`);

  // The same custom id again: the server answers 409, which the client turns into a fetch of
  // the existing session (it never rejects with 409).
  const again = await ov.createSession({ customSessionId: customId });
  check(again.sessionId === customId, 'createSession on an existing id resolves to that session');
  check(again.createdAt === session.createdAt, 'the existing session, not a new one');
  summary.recreatedSameSession = true;

  // A generated id.
  const generated = await ov.createSession();
  check(/^ses_[A-Z][A-Za-z0-9]{9}$/.test(generated.sessionId), `generated sessionId ${generated.sessionId}`);
  summary.generatedSessionId = generated.sessionId;

  // One connection per role, with data.
  const conns = {};
  for (const role of [OpenViduRole.SUBSCRIBER, OpenViduRole.PUBLISHER, OpenViduRole.MODERATOR]) {
    const c = await session.createConnection({ role, data: 'data-' + role });
    check(/^con_[A-Z][A-Za-z0-9]{9}$/.test(c.connectionId), `connectionId ${c.connectionId}`);
    check(c.status === 'pending', `${role} status ${c.status}`);
    check(c.activeAt == null && c.platform == null && c.clientData == null, `${role} runtime fields are null while pending`);
    check(c.connectionProperties.type === 'WEBRTC', `${role} type ${c.connectionProperties.type}`);
    check(c.connectionProperties.role === role && c.role === role, `${role} role ${c.connectionProperties.role}`);
    check(c.connectionProperties.data === 'data-' + role && c.serverData === 'data-' + role, `${role} data ${c.connectionProperties.data}`);
    check(c.connectionProperties.record === true, `${role} record defaults to true`);
    const m = tokenPattern.exec(c.token);
    check(m !== null && m[1] === customId, `${role} token ${c.token}`);
    check(c.token.startsWith('wss://') && c.token.includes('tok_'), `${role} token shape`);
    conns[role] = c;
  }
  const tokens = Object.values(conns).map((c) => c.token);
  check(new Set(tokens).size === tokens.length, 'tokens are distinct');
  check(session.connections.length === 3, `local connections after createConnection: ${session.connections.length}`);
  summary.connectionIds = Object.fromEntries(Object.entries(conns).map(([role, c]) => [role, c.connectionId]));
  summary.tokens = tokens;

  // The deprecated token API still answers.
  const legacyToken = await session.generateToken({ role: OpenViduRole.SUBSCRIBER, data: 'legacy' });
  check(tokenPattern.test(legacyToken) && !tokens.includes(legacyToken), `generateToken ${legacyToken}`);

  // session.fetch() sees every pending connection (the client asks ?pendingConnections=true).
  await session.fetch();
  check(session.sessionId === customId, 'fetch keeps the sessionId (the server writes "sessionId")');
  check(session.connections.length === 4, `fetched connections: ${session.connections.length}`);
  check(session.activeConnections.length === 0, 'nobody has joined yet');
  for (const role of Object.keys(conns)) {
    const fetched = session.connections.find((c) => c.connectionId === conns[role].connectionId);
    check(fetched && fetched.connectionProperties.role === role && fetched.token === conns[role].token, `fetched ${role} connection`);
  }

  // Recording needs a participant: 406 before anybody joins, 404 for an unknown session.
  await expectReject(ov.startRecording(customId, { name: 'too_early' }), '406', 'startRecording with nobody joined');
  await expectReject(ov.startRecording('no_such_session'), '404', 'startRecording of an unknown session');

  // Two participants join with their tokens.
  await activate(customId, conns.PUBLISHER.connectionId);
  await activate(customId, conns.MODERATOR.connectionId);
  await session.fetch();
  check(session.activeConnections.length === 2, `active connections: ${session.activeConnections.length}`);
  for (const c of session.activeConnections) {
    check(c.status === 'active' && typeof c.activeAt === 'number' && c.activeAt >= c.createdAt, `active connection ${c.connectionId}`);
    check(Array.isArray(c.publishers) && Array.isArray(c.subscribers), 'an active connection has publishers and subscribers');
  }
  summary.activeAfterJoin = session.activeConnections.length;

  // openvidu.fetch() lists every session with its connections.
  await ov.fetch();
  const listed = ov.activeSessions.find((s) => s.sessionId === customId);
  check(listed && listed.connections.length === 4 && listed.activeConnections.length === 2, 'openvidu.fetch sees the session and its connections');
  check(ov.activeSessions.some((s) => s.sessionId === generated.sessionId), 'openvidu.fetch sees the generated session');

  // forceDisconnect of a pending connection invalidates its token.
  await session.forceDisconnect(conns.SUBSCRIBER);
  check(session.connections.length === 3, 'forceDisconnect updates the local connections');
  await session.fetch();
  check(!session.connections.some((c) => c.connectionId === conns.SUBSCRIBER.connectionId), 'the disconnected connection is gone');
  await expectReject(session.forceDisconnect('con_Missing000'), '404', 'forceDisconnect of an unknown connection');

  // OpenVidu CE has no PATCH route for a connection: Spring answers 405.
  await expectReject(session.updateConnection(conns.PUBLISHER.connectionId, { role: OpenViduRole.SUBSCRIBER }), '405', 'updateConnection on CE');

  // A recording: start, 409 on a second start, stop, 404 on a second stop, get, list, delete.
  const rec = await ov.startRecording(customId, {
    name: 'oracle_rec', outputMode: Recording.OutputMode.COMPOSED, hasAudio: true, hasVideo: true, resolution: '640x480', frameRate: 30,
  });
  check(rec.id === customId && rec.sessionId === customId, `recording id ${rec.id}`);
  check(rec.status === 'started', `recording status ${rec.status}`);
  check(rec.properties.name === 'oracle_rec' && rec.properties.outputMode === 'COMPOSED', 'recording name and outputMode');
  check(rec.properties.resolution === '640x480' && rec.properties.frameRate === 30 && rec.properties.recordingLayout === 'BEST_FIT', 'recording video properties');
  check(rec.size === 0 && rec.duration === 0 && rec.url == null, 'a started recording has no size, duration or url');
  check(session.recording === true, 'startRecording flags the session');
  await session.fetch();
  check(session.recording === true, 'the fetched session is being recorded');
  await expectReject(ov.startRecording(customId), '409', 'startRecording of a session already being recorded');

  const stopped = await ov.stopRecording(rec.id);
  check(stopped.id === rec.id && stopped.status === 'stopped', `stopped status ${stopped.status}`);
  check(session.recording === false, 'stopRecording unflags the session');
  await expectReject(ov.stopRecording(rec.id), '404', 'stopRecording of a stopped recording');
  await expectReject(ov.stopRecording('no_such_recording'), '404', 'stopRecording of an unknown recording');

  const got = await ov.getRecording(rec.id);
  check(got.id === rec.id && got.status === 'ready' && typeof got.url === 'string' && got.url.includes(rec.id), `getRecording ${JSON.stringify(got)}`);
  const second = await ov.startRecording(customId, 'second');
  check(second.id === customId + '~1' && second.properties.name === 'second', `second recording id ${second.id}`);
  await expectReject(ov.deleteRecording(second.id), '409', 'deleteRecording of a recording in progress');
  await ov.stopRecording(second.id);
  const list = await ov.listRecordings();
  check(list.length === 2 && list.some((r) => r.id === rec.id) && list.some((r) => r.id === second.id), `listRecordings ${list.map((r) => r.id)}`);
  summary.recordingIds = list.map((r) => r.id).sort();
  await ov.deleteRecording(rec.id);
  await ov.deleteRecording(second.id);
  await expectReject(ov.getRecording(rec.id), '404', 'getRecording of a deleted recording');
  await expectReject(ov.deleteRecording(rec.id), '404', 'deleteRecording of a deleted recording');
  check((await ov.listRecordings()).length === 0, 'no recording left');

  // Evicting one of two participants leaves the session open.
  await session.forceDisconnect(conns.PUBLISHER.connectionId);
  await session.fetch();
  check(session.activeConnections.length === 1, 'one participant left');

  // Closing: the session is gone for the client and the server.
  await session.close();
  await ov.fetch();
  check(!ov.activeSessions.some((s) => s.sessionId === customId), 'openvidu.fetch drops the closed session');
  await expectReject(session.fetch(), '404', 'fetch of a closed session');
  await expectReject(session.close(), '404', 'close of a closed session');
  await expectReject(session.createConnection({}), '404', 'createConnection in a closed session');
  await generated.close();

  // A PRO deployment without recording: updateConnection works, recording answers 501.
  const pro = new OpenVidu(proUrl, secret);
  pro.enableProdMode();
  const proSession = await pro.createSession({});
  const proConn = await proSession.createConnection({ role: OpenViduRole.PUBLISHER, data: 'pro' });
  const updated = await proSession.updateConnection(proConn.connectionId, { role: OpenViduRole.MODERATOR, record: false });
  check(updated.connectionProperties.role === 'MODERATOR' && updated.connectionProperties.record === false, 'updateConnection resolves the updated connection');
  await proSession.fetch();
  const refetched = proSession.connections.find((c) => c.connectionId === proConn.connectionId);
  check(refetched && refetched.connectionProperties.role === 'MODERATOR' && refetched.connectionProperties.record === false, 'the server kept the update');
  await expectReject(pro.startRecording(proSession.sessionId), '501', 'startRecording with recording disabled');
  await expectReject(pro.listRecordings(), '501', 'listRecordings with recording disabled');
  await proSession.close();

  summary.sessionId = customId;
  summary.checks = checks;
  process.stdout.write('SUMMARY ' + JSON.stringify(summary) + '\n');
}

main().then(
  () => { rl.close(); process.exit(0); },
  (err) => {
    process.stderr.write('oracle failed: ' + (err && err.stack ? err.stack : String(err)) + '\n');
    process.exit(1);
  },
);
