// The appointments example's join page. It asks the example's API for the caller's token and
// joins: on OpenVidu (the LiveKit API) with livekit-client, camera and microphone, and a tile
// per remote video; on Jitsi it shows the join link. A patient held in the waiting room
// publishes once the doctor admits them; the doctor sees an "admit" button beside each waiting
// patient and can end the consultation for everyone. When the appointment moves to another
// provider the page says so and rejoins.
//
// Who the caller is comes from the query (?appointment=42&user=pat-1&role=patient), sent as the
// example's X-User-ID and X-User-Role headers: a demonstration, like the example's HeaderAuth.
// A link made from OPENVIDU_JOIN_URL carries the token in the fragment
// (#server_url=…&token=…), which never reaches a server's logs.
//
// window.teleconsult exposes the page's state to the end-to-end test.
(() => {
  'use strict';
  const LK = window.LivekitClient;
  const query = new URLSearchParams(location.search);
  const fragment = new URLSearchParams(location.hash.slice(1));
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
    tryPublish: async () => { // for the test: what publishing a camera says now ('' when it works)
      const track = await LK.createLocalVideoTrack({ resolution: LK.VideoPresets.h180.resolution });
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 10 s')), 10000));
      try {
        const pub = await Promise.race([room.localParticipant.publishTrack(track), timeout]);
        await room.localParticipant.unpublishTrack(pub.track);
        return '';
      } catch (e) {
        return String(e && e.message || e);
      } finally {
        track.stop();
      }
    },
  };
  let room = null;
  let rejoining = false;

  const setStatus = (phase, text) => {
    state.phase = phase;
    $('status').textContent = text;
    $('waiting').style.display = phase === 'waiting' ? 'block' : 'none';
  };
  const fail = (e) => {
    state.errors.push(String(e && e.message || e));
    setStatus('error', 'Something went wrong: ' + (e && e.message || e));
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

  async function publish() {
    await room.localParticipant.enableCameraAndMicrophone();
    const cam = room.localParticipant.getTrackPublication(LK.Track.Source.Camera);
    if (cam && cam.track) {
      const v = cam.track.attach();
      v.muted = true;
      tile('self', 'You', v);
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
        api('POST', 'admit', { participant_id: p.identity }).catch((e) => { b.disabled = false; fail(e); });
      };
      li.appendChild(b);
      list.appendChild(li);
    }
    for (const li of [...list.children]) {
      if (!waiting.has(li.id)) li.remove();
    }
  }

  async function countFrames() {
    if (!room) return;
    for (const p of room.remoteParticipants.values()) {
      const pub = p.getTrackPublication(LK.Track.Source.Camera);
      if (!pub || !pub.track || !pub.track.getRTCStatsReport) continue;
      const report = await pub.track.getRTCStatsReport().catch(() => null);
      if (!report) continue;
      report.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          state.frames[p.identity] = s.framesDecoded || 0;
          if (s.framesDecoded > 0 && !state.times.firstRemoteFrame) state.times.firstRemoteFrame = performance.now();
        }
      });
    }
  }

  async function join() {
    setStatus('connecting', 'Connecting…');
    let tok;
    if (fragment.get('token')) {
      tok = { provider: 'openvidu', token: fragment.get('token'), server_url: fragment.get('server_url') };
    } else {
      tok = await api('POST', 'token', { display_name: query.get('name') || user });
    }
    state.provider = tok.provider;
    const livekit = tok.provider === 'openvidu' && tok.server_url && tok.token && tok.token.split('.').length === 3;
    if (!livekit) { // Jitsi, OpenVidu 2, or any provider whose meeting opens by its link
      if (!tok.join_url) throw new Error('this meeting has no join link: configure the provider\'s join URL');
      $('link-a').href = tok.join_url;
      $('link').style.display = 'block';
      setStatus('link', 'Your consultation opens in the meeting page');
      return;
    }
    room = new LK.Room({ adaptiveStream: false, dynacast: false,
      videoCaptureDefaults: { resolution: LK.VideoPresets.h180.resolution } });
    room.on(LK.RoomEvent.TrackSubscribed, (track, _pub, participant) => {
      if (track.kind === 'video') tile(participant.identity, participant.name || participant.identity, track.attach());
      else document.body.appendChild(track.attach());
    });
    room.on(LK.RoomEvent.TrackUnsubscribed, (track) => track.detach().forEach((el) => el.remove()));
    room.on(LK.RoomEvent.ParticipantDisconnected, (p) => {
      const t = document.getElementById('tile-' + p.identity);
      if (t) t.remove();
    });
    room.on(LK.RoomEvent.ParticipantPermissionsChanged, (_prev, participant) => {
      if (participant === room.localParticipant && state.phase === 'waiting' && room.localParticipant.permissions.canPublish) {
        state.times.admitted = performance.now();
        publish().catch(fail);
      }
    });
    room.on(LK.RoomEvent.Disconnected, () => {
      if (!rejoining) {
        setStatus('ended', 'The consultation has ended.');
        $('end').hidden = true;
      }
    });
    await room.connect(tok.server_url, tok.token);
    state.times.connected = performance.now();
    if (role === 'doctor' && appointment) $('end').hidden = false;
    if (room.localParticipant.permissions && room.localParticipant.permissions.canPublish) {
      await publish();
    } else {
      setStatus('waiting', 'Waiting for the doctor to admit you');
    }
  }

  // The appointment's status, every two seconds: an end closes the page's call, a move to
  // another provider rejoins there.
  async function watch() {
    if (!appointment || !user || state.phase === 'ended' || state.phase === 'error') return;
    try {
      const s = await api('GET', 'status');
      if (s.status === 'ended') {
        if (room) room.disconnect();
        setStatus('ended', 'The consultation has ended.');
        return;
      }
      if (state.provider && s.provider && s.provider !== state.provider && !rejoining) {
        rejoining = true;
        const notice = $('notice');
        notice.textContent = 'The consultation moved to another video service. Rejoining…';
        notice.style.display = 'block';
        state.phase = 'moved';
        if (room) await room.disconnect();
        $('tiles').textContent = '';
        room = null;
        await join();
        rejoining = false;
      }
    } catch (e) {
      if (e.code !== 'not_found') state.errors.push(String(e.message || e));
    }
  }

  $('end').onclick = () => {
    $('end').disabled = true;
    api('POST', 'end').catch(fail);
  };
  setInterval(renderWaiting, 500);
  setInterval(() => { countFrames(); }, 250);
  setInterval(() => { watch(); }, 2000);
  join().catch(fail);
})();
