// tests/peers/smsc.js: a test SMSC (SMPP 3.4 server) on node-smpp 0.5.1.
//
//   node tests/peers/smsc.js [--system-id ID] [--password PW] [--throttle N]
//        [--die-after N] [--receipts] [--fail-dest NUMBER] [--log FILE]
//
// Listens on 127.0.0.1, a free port, and prints "port N" on stdout when
// ready.  Binds succeed only with the given system_id and password (default
// "jingwu" / "secret"; otherwise ESME_RINVSYSID or ESME_RINVPASWD).  Every
// submit_sm gets message_id "m1", "m2", ... in order of arrival, except:
// the first N get ESME_RTHROTTLED with no body (--throttle, as node-smpp
// does it), the Nth is never answered and the server exits at once
// (--die-after, the SMSC dying mid-run), and one destination gets
// ESME_RINVDSTADR (--fail-dest).  With --receipts, a transceiver gets a
// delivery receipt (deliver_sm, esm_class 4) for each accepted part.
//
// --log FILE gets one line per PDU received, decoded here from the raw
// bytes (not by node-smpp, so the check is independent of both ends):
//   bind_transmitter system_id=... password=... interface_version=0x34
//   submit_sm src=TON/NPI/ADDR dst=TON/NPI/ADDR esm=0x40 dc=8 rd=1
//       udh=050003RRTTSS text=... (UCS-2 or GSM-7 decoded) hex=...
// Stops on SIGTERM or SIGINT.
'use strict';
const path = require('path');
const fs = require('fs');
const smpp = require(path.join(__dirname, 'node_modules', 'smpp'));

const opt = { 'system-id': 'jingwu', password: 'secret', throttle: 0,
	'die-after': 0, receipts: false, 'fail-dest': '', log: '' };
for (let i = 2; i < process.argv.length; i++) {
	const k = process.argv[i].replace(/^--/, '');
	if (!(k in opt)) { console.error('smsc: unknown option ' + k); process.exit(2); }
	if (typeof opt[k] === 'boolean') opt[k] = true;
	else opt[k] = process.argv[++i];
}
opt.throttle = Number(opt.throttle);
opt['die-after'] = Number(opt['die-after']);

const log = opt.log ? fs.openSync(opt.log, 'a') : null;
function note(s) { if (log !== null) fs.writeSync(log, s + '\n'); }

// The GSM 03.38 default alphabet, octet -> character (ESC as '\x1b').
const GSM = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
	'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = { 0x0a: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2f: '\\',
	0x3c: '[', 0x3d: '~', 0x3e: ']', 0x40: '|', 0x65: '€' };

function cstr(b, o) {
	const e = b.indexOf(0, o);
	if (e < 0) throw new Error('unterminated C-string');
	return [b.slice(o, e).toString('latin1'), e + 1];
}

function text(dc, sm) {
	if (dc === 8) {
		let s = '';
		for (let i = 0; i + 1 < sm.length; i += 2)
			s += String.fromCharCode(sm.readUInt16BE(i));
		return s;
	}
	let s = '';
	for (let i = 0; i < sm.length; i++) {
		if (sm[i] === 0x1b && i + 1 < sm.length) s += GSM_EXT[sm[++i]] || '?';
		else s += GSM[sm[i] & 0x7f];
	}
	return s;
}

// One line for the log from a raw PDU.
function describe(b) {
	const id = b.readUInt32BE(4), seq = b.readUInt32BE(12);
	let o = 16, a, f = {};
	if (id === 0x02 || id === 0x09) {
		for (const k of ['system_id', 'password', 'system_type'])
			[f[k], o] = cstr(b, o);
		return (id === 2 ? 'bind_transmitter' : 'bind_transceiver') +
			` system_id=${f.system_id} password=${f.password}` +
			` interface_version=0x${b[o].toString(16)}`;
	}
	if (id === 0x04) {
		[a, o] = cstr(b, o);		// service_type
		const st = b[o++], sn = b[o++];
		[f.src, o] = cstr(b, o);
		const dt = b[o++], dn = b[o++];
		[f.dst, o] = cstr(b, o);
		const esm = b[o++]; o += 2;	// protocol_id, priority_flag
		[a, o] = cstr(b, o); [a, o] = cstr(b, o);
		const rd = b[o++]; o++;		// replace_if_present_flag
		const dc = b[o++]; o++;		// sm_default_msg_id
		const len = b[o++];
		let sm = b.slice(o, o + len), udh = '';
		if (esm & 0x40) {
			udh = sm.slice(0, sm[0] + 1).toString('hex');
			sm = sm.slice(sm[0] + 1);
		}
		return `submit_sm seq=${seq} src=${st}/${sn}/${f.src}` +
			` dst=${dt}/${dn}/${f.dst} esm=0x${esm.toString(16)} dc=${dc}` +
			` rd=${rd}` + (udh ? ` udh=${udh}` : '') +
			` text=${JSON.stringify(text(dc, sm))} hex=${sm.toString('hex')}`;
	}
	const names = { 0x06: 'unbind', 0x15: 'enquire_link',
		0x80000005: 'deliver_sm_resp', 0x80000015: 'enquire_link_resp' };
	return (names[id] || 'command_0x' + id.toString(16)) + ` seq=${seq}`;
}

let submits = 0, accepted = 0;
const server = smpp.createServer(session => {
	let raw = Buffer.alloc(0), bound = null;
	session.socket.on('data', d => {
		raw = Buffer.concat([raw, d]);
		while (raw.length >= 16 && raw.length >= raw.readUInt32BE(0)) {
			const n = raw.readUInt32BE(0);
			try { note(describe(raw.slice(0, n))); }
			catch (e) { note('malformed ' + raw.slice(0, n).toString('hex')); }
			raw = raw.slice(n);
		}
	});
	const bind = p => {
		if (p.system_id !== opt['system-id'])
			return session.send(p.response({ command_status: smpp.ESME_RINVSYSID }));
		if (p.password !== opt.password)
			return session.send(p.response({ command_status: smpp.ESME_RINVPASWD }));
		bound = p.command;
		session.send(p.response({ system_id: 'smsc' }));
	};
	session.on('bind_transmitter', bind);
	session.on('bind_transceiver', bind);
	session.on('enquire_link', p => session.send(p.response()));
	session.on('submit_sm', p => {
		submits++;
		if (opt['die-after'] && submits >= opt['die-after']) {
			note('dying');
			session.socket.destroy();
			server.close();
			setTimeout(() => process.exit(0), 50);
			return;
		}
		if (submits <= opt.throttle)
			return session.send(p.response({ command_status: smpp.ESME_RTHROTTLED }));
		if (opt['fail-dest'] && p.destination_addr === opt['fail-dest'])
			return session.send(p.response({ command_status: smpp.ESME_RINVDSTADR }));
		const mid = 'm' + ++accepted;
		session.send(p.response({ message_id: mid }));
		if (opt.receipts && bound === 'bind_transceiver')
			session.send(new smpp.PDU('deliver_sm', {
				source_addr: p.destination_addr,
				destination_addr: p.source_addr,
				esm_class: 4,
				short_message: `id:${mid} sub:001 dlvrd:001 submit date:2611290900 done date:2611290900 stat:DELIVRD err:000 text:`
			}));
	});
	session.on('deliver_sm_resp', () => {});
	session.on('unbind', p => { session.send(p.response()); session.close(); });
	session.on('error', e => note('error ' + e.message));
});
server.listen(0, '127.0.0.1', () => {
	process.stdout.write('port ' + server.address().port + '\n');
});
for (const s of ['SIGTERM', 'SIGINT'])
	process.on(s, () => { server.close(); process.exit(0); });
