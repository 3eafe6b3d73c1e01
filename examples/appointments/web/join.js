// The appointments example's join page. It asks the example's API for the caller's token and
// joins: on OpenVidu (the LiveKit API) with livekit-client, camera and microphone, and a tile
// per remote video; on Jitsi it shows the join link. A patient held in the waiting room
// publishes once the doctor admits them; the doctor sees an "admit" button beside each waiting
// patient and can end the consultation for everyone. When the appointment moves to another
// provider (the page asks for a new token when its connection is lost), the page says so and
// rejoins there.
//
// Who the caller is comes from the query (?appointment=42&user=pat-1&role=patient), sent as the
// example's X-User-ID and X-User-Role headers: a demonstration, like the example's HeaderAuth.
// A link made from OPENVIDU_JOIN_URL carries the token in the fragment (#server_url=…&token=…),
// which never reaches a server; the page removes it from the address bar at once, and connects
// only to the LiveKit server the example is configured with (GET /join/config), whatever the
// link says.
//
// window.teleconsult exposes the page's state to the end-to-end test.
(() => {
  'use strict';
  const LK = window.LivekitClient;
  const query = new URLSearchParams(location.search);
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  const appointment = query.get('appointment') || '';
  const user = query.get('user') || '';
  const role = query.get('role') || 'patient';
  const $ = (id) => document.getElementById(id);

  const state = window.teleconsult = {
    phase: 'connecting', // connecting, waiting, in-call, link, moved, ended, error
    provider: '',
    frames: {},          // frames decoded from each remote participant's camera
    times: { start: performance.now() },
    errors: [],
    disconnectReason: null,
    room: () => room, // the livekit-client Room, for the test and for debugging
  };
  let room = null;
  let generation = 0; // each join() is one; a join overtaken by another stops
  let serverURL = '';  // the LiveKit server this page may connect to

  const setStatus = (phase, text) => {
    if (state.phase === 'ended' && phase !== 'ended') return; // an end is final
    state.phase = phase;
    $('status').textContent = text;
    $('waiting').style.display = phase === 'waiting' ? 'block' : 'none';
  };
  const report = (e) => { // a failure the page recovers from: said, kept for the test
    state.errors.push(String(e && e.message || e));
    $('status').textContent = 'Something went wrong: ' + (e && e.message || e);
  };

  async function api(method, path, body) {
    const res = await fetch('/appointments/' + encodeURIComponent(appointment) + '/video/' + path, {
      method,
      headers: { 'X-User-ID': user, 'X-User-Role': role, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = new Error((data.error && data.error.message) || res.statusText);
      err.code = data.error && data.error.code;
      throw err;
    }
    return data;
  }

  function tile(id, label, el) {
    let t = document.getElementById('tile-' + id);
    if (!t) {
      t = document.createElement('div');
      t.className = 'tile';
      t.id = 'tile-' + id;
      const name = document.createElement('span');
      name.textContent = label;
      t.appendChild(name);
      $('tiles').appendChild(t);
    }
    t.insertBefore(el, t.firstChild);
  }

  async function publish(r) {
    await r.localParticipant.enableCameraAndMicrophone();
    const cam = r.localParticipant.getTrackPublication(LK.Track.Source.Camera);
    if (cam && cam.track) {
      const v = cam.track.attach();
      v.muted = true;
      tile('local', 'You', v);
    }
    setStatus('in-call', role === 'doctor' ? 'In the consultation' : 'In the consultation with your doctor');
  }

  // The doctor's list of patients waiting in the room, each with an "admit" button.
  function renderWaiting() {
    if (role !== 'doctor' || !room) return;
    const list = $('admit-list');
    const waiting = new Set();
    for (const p of room.remoteParticipants.values()) {
      if (p.permissions && p.permissions.canPublish) continue;
      waiting.add('waiting-' + p.identity);
      if (document.getElementById('waiting-' + p.identity)) continue;
      const li = document.createElement('li');
      li.id = 'waiting-' + p.identity;
      li.textContent = (p.name || p.identity) + ' is waiting';
      const b = document.createElement('button');
      b.className = 'admit';
      b.id = 'admit-' + p.identity;
      b.textContent = 'Admit';
      b.onclick = () => {
        b.disabled = true;
        api('POST', 'admit', { participant_id: p.identity }).catch((e) => { b.disabled = false; report(e); });
      };
      li.appendChild(b);
      list.appendChild(li);
    }
    for (const li of [...list.children]) {
      if (!waiting.has(li.id)) li.remove();
    }
  }

  async function countFrames() {
    const r = room;
    if (!r) return;
    for (const p of r.remoteParticipants.values()) {
      const pub = p.getTrackPublication(LK.Track.Source.Camera);
      if (!pub || !pub.track || !pub.track.getRTCStatsReport) continue;
      const stats = await pub.track.getRTCStatsReport().catch(() => null);
      if (!stats) continue;
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          state.frames[p.identity] = s.framesDecoded || 0;
          if (s.framesDecoded > 0 && !state.times.firstRemoteFrame) state.times.firstRemoteFrame = performance.now();
        }
      });
    }
  }

  // recover runs when the connection has been lost for a while: the provider may be down, and
  // asking for a token moves the appointment to one that is up; the page then rejoins there.
  async function recover(gen) {
    if (gen !== generation || !appointment || state.phase === 'ended') return;
    try {
      const s = await api('GET', 'status');
      if (s.status === 'ended') return end();
      const tok = await api('POST', 'token', {});
      if (gen !== generation) return;
      if (tok.provider !== state.provider) moved();
      await join(tok);
    } catch (e) {
      report(e);
    }
  }

  function moved() {
    const notice = $('notice');
    notice.textContent = 'The consultation moved to another video service. Rejoining…';
    notice.style.display = 'block';
    setStatus('moved', 'Rejoining…');
  }

  // rejoined settles a move's notice once the page is in again.
  function rejoined() {
    const notice = $('notice');
    if (notice.style.display === 'block') notice.textContent = 'The consultation moved to another video service.';
  }

  function end() {
    generation++;
    if (room) room.disconnect();
    room = null;
    setStatus('ended', 'The consultation has ended.');
    $('end').hidden = true;
    $('admit-list').textContent = '';
    $('link').style.display = 'none';
  }

  // join connects with tok (asked of the API when not given), replacing any earlier room.
  async function join(tok) {
    const gen = ++generation;
    if (room) { const old = room; room = null; await old.disconnect(); }
    $('tiles').textContent = '';
    $('link').style.display = 'none';
    setStatus('connecting', 'Connecting…');
    if (!tok) {
      tok = fragment.get('token') && !appointment
        ? { provider: 'openvidu', token: fragment.get('token'), server_url: serverURL }
        : await api('POST', 'token', {});
    }
    if (gen !== generation) return;
    state.provider = tok.provider;
    const livekit = tok.provider === 'openvidu' && tok.server_url && tok.token && tok.token.split('.').length === 3;
    if (!livekit) { // Jitsi, OpenVidu 2, or any provider whose meeting opens by its link
      if (!tok.join_url) throw new Error('this meeting has no join link: configure the provider\'s join URL');
      $('link-a').href = tok.join_url;
      $('link').style.display = 'block';
      setStatus('link', 'Your consultation opens in the meeting page');
      rejoined();
      return;
    }
    if (tok.server_url !== serverURL) throw new Error('the token names a server this page does not connect to');
    const r = new LK.Room({ adaptiveStream: false, dynacast: false,
      videoCaptureDefaults: { resolution: LK.VideoPresets.h180.resolution } });
    room = r;
    let lost = null;
    r.on(LK.RoomEvent.TrackSubscribed, (track, _pub, participant) => {
      if (track.kind === 'video') tile('remote-' + participant.identity, participant.name || participant.identity, track.attach());
      else document.body.appendChild(track.attach());
    });
    r.on(LK.RoomEvent.TrackUnsubscribed, (track) => track.detach().forEach((el) => el.remove()));
    r.on(LK.RoomEvent.ParticipantDisconnected, (p) => {
      const t = document.getElementById('tile-remote-' + p.identity);
      if (t) t.remove();
    });
    r.on(LK.RoomEvent.ParticipantPermissionsChanged, (_prev, participant) => {
      if (participant === r.localParticipant && state.phase === 'waiting' && r.localParticipant.permissions.canPublish) {
        state.times.admitted = performance.now();
        publish(r).catch(report);
      }
    });
    r.on(LK.RoomEvent.Reconnecting, () => {
      $('status').textContent = 'Connection lost: reconnecting…';
      lost = setTimeout(() => recover(gen), 5000);
    });
    r.on(LK.RoomEvent.Reconnected, () => { clearTimeout(lost); });
    r.on(LK.RoomEvent.Disconnected, (reason) => {
      clearTimeout(lost);
      if (gen !== generation) return; // replaced by a rejoin
      state.disconnectReason = reason;
      if (reason === LK.DisconnectReason.ROOM_DELETED || reason === LK.DisconnectReason.CLIENT_INITIATED) end();
      else recover(gen);
    });
    await r.connect(tok.server_url, tok.token);
    if (gen !== generation) { r.disconnect(); return; }
    state.times.connected = performance.now();
    rejoined();
    if (role === 'doctor' && appointment) $('end').hidden = false;
    if (r.localParticipant.permissions && r.localParticipant.permissions.canPublish) {
      await publish(r);
    } else {
      setStatus('waiting', 'Waiting for the doctor to admit you');
    }
  }

  // The appointment's status, two seconds after the last look: an end closes the page's call
  // (when the provider did not already), a move to another provider rejoins there.
  async function watch() {
    if (!appointment || !user || state.phase === 'ended') return;
    try {
      const s = await api('GET', 'status');
      if (s.status === 'ended') {
        end();
        return;
      }
      if (state.provider && s.provider && s.provider !== state.provider) {
        moved();
        await join();
      }
    } catch (e) {
      if (e.code !== 'not_found') report(e);
    }
    setTimeout(watch, 2000);
  }

  $('end').onclick = () => {
    $('end').disabled = true;
    api('POST', 'end').catch((e) => { $('end').disabled = false; report(e); });
  };
  setInterval(renderWaiting, 500);
  setInterval(() => { countFrames(); }, 250);
  fetch('/join/config').then((res) => res.json()).then((cfg) => {
    serverURL = cfg.server_url || '';
    return join();
  }).then(() => setTimeout(watch, 2000)).catch((e) => {
    report(e);
    state.phase = 'error';
  });
})();
