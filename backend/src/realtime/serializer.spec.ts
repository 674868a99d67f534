import { describe, expect, it } from 'vitest';
import {
	decodeBinary,
	decodeText,
	encodeText,
	encodeUserBroadcast,
	encodeUserBroadcastPush
} from './serializer.ts';
import { parseFilter, matches, FilterError } from './filters.ts';
import { parseRow } from './change-capture.ts';

describe('serializer', () => {
	it('decodes the kind-3 frame realtime-js sends for a broadcast', () => {
		// the bytes realtime-js sends for send({ type: "broadcast", event: "hello", payload: { a: 1 } })
		const frame = Buffer.concat([
			Buffer.from([3, 1, 1, 14, 5, 0, 1]),
			Buffer.from('67realtime:room1hello{"a":1}')
		]);
		expect(decodeBinary(frame)).toMatchObject({
			joinRef: '6',
			ref: '7',
			topic: 'realtime:room1',
			event: 'broadcast',
			broadcast: { event: 'hello', payload: { json: '{"a":1}' } }
		});
		expect(
			decodeBinary(encodeUserBroadcastPush('6', '7', 'realtime:room1', 'hello', '{"a":1}'))
		).toEqual(decodeBinary(frame));
	});

	it('encodes kind 4 as realtime-js decodes it', () => {
		const out = encodeUserBroadcast('realtime:room1', {
			event: 'hello',
			payload: { json: '{"a":1}' }
		})!;
		expect([...out.subarray(0, 5)]).toEqual([4, 14, 5, 0, 1]);
		expect(Buffer.from(out.subarray(5)).toString()).toBe('realtime:room1hello{"a":1}');
	});

	it('refuses garbage without throwing', () => {
		expect(decodeBinary(Buffer.from([0, 1, 2]))).toBeUndefined();
		expect(decodeBinary(Buffer.from([3, 200, 1, 1, 1, 0, 1, 65]))).toBeUndefined();
		expect(decodeBinary(Buffer.from([3, 0, 0, 1, 1, 0, 1, 65, 66, 0x7b]))).toBeUndefined();
		expect(decodeText('not json', '2.0.0')).toBeUndefined();
		expect(decodeText('[1,2,3]', '2.0.0')).toBeUndefined();
		expect(decodeText('{"topic":1}', '1.0.0')).toBeUndefined();
		expect(decodeText('["1","1","t","e",{}]', '1.0.0')).toBeUndefined();
	});

	it('speaks both text versions', () => {
		expect(encodeText('2.0.0', '1', null, 't', 'e', { a: 1 })).toBe('["1",null,"t","e",{"a":1}]');
		expect(JSON.parse(encodeText('1.0.0', null, '2', 't', 'e', {}))).toEqual({
			join_ref: null,
			ref: '2',
			topic: 't',
			event: 'e',
			payload: {}
		});
		expect(
			decodeText('{"join_ref":"1","ref":"2","topic":"t","event":"e","payload":{}}', '1.0.0')
		).toEqual({
			joinRef: '1',
			ref: '2',
			topic: 't',
			event: 'e',
			payload: {}
		});
	});
});

describe('filters', () => {
	const types = new Map([
		['id', 'int8'],
		['name', 'text'],
		['ok', 'bool'],
		['at', 'timestamptz'],
		['u', 'uuid']
	]);
	const row = {
		id: 5,
		name: 'Ann',
		ok: true,
		at: '2026-01-01T10:00:00+00:00',
		u: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'
	};
	const m = (f: string) => matches(parseFilter(f, types), row, types);

	it('compares by column type', () => {
		expect(m('id=eq.5')).toBe(true);
		expect(m('id=eq.05')).toBe(true);
		expect(m('id=neq.5')).toBe(false);
		expect(m('id=gt.4,id=lte.5')).toBe(true);
		expect(m('id=lt.5')).toBe(false);
		expect(m('id=in.(1,5,9)')).toBe(true);
		expect(m('name=in.("x,y",Ann)')).toBe(true);
		expect(m('ok=is.true')).toBe(true);
		expect(m('name=is.null')).toBe(false);
		expect(m('name=not.is.null')).toBe(true);
		expect(m('name=like.A*')).toBe(true);
		expect(m('name=ilike.%NN')).toBe(true);
		expect(m('at=gte.2026-01-01 10:00:00+00')).toBe(true);
		expect(m('u=eq.a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')).toBe(true);
		expect(m('id=not.eq.5')).toBe(false);
		expect(m('name=match.^A.n$')).toBe(true);
		expect(m('name=imatch.^ann$')).toBe(true);
		expect(m('name=match.^ann$')).toBe(false);
		expect(m('name=isdistinct.null')).toBe(true);
		expect(m('id=isdistinct.5')).toBe(false);
	});

	it('treats NULL as unknown and a missing column as no match', () => {
		const t = new Map([['x', 'int4']]);
		expect(matches(parseFilter('x=neq.1', t), { x: null }, t)).toBe(false);
		expect(matches(parseFilter('x=eq.1', t), {}, t)).toBe(false);
	});

	it('refuses what Realtime refuses', () => {
		expect(() => parseFilter('nope=eq.1', types)).toThrow(FilterError);
		expect(() => parseFilter('id=eq.abc', types)).toThrow(FilterError);
		expect(() => parseFilter('id=regex.1', types)).toThrow(FilterError);
		expect(() => parseFilter('name=match.(', types)).toThrow(FilterError);
		expect(() => parseFilter('id', types)).toThrow(FilterError);
		expect(() => parseFilter(`id=in.(${Array(101).fill(1).join(',')})`, types)).toThrow(
			FilterError
		);
	});

	it('keeps large numbers exact through the queue', () => {
		const r = parseRow('{"a":12345678901234567890,"b":1.10,"c":2}')!;
		expect(JSON.stringify(r)).toBe('{"a":12345678901234567890,"b":1.10,"c":2}');
		const t = new Map([['a', 'int8']]);
		expect(matches(parseFilter('a=gt.1', t), r, t)).toBe(true);
	});
});
