import request from 'supertest';
import { ACCOUNT_A, HANDLER, startTestApi, streamBody, type TestApi } from '../../../test/support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const FULL_DEFAULT_POLICIES = {
  sending: {
    time_period_of_searching: -1,
    silent_period: 0,
    type: 'sec',
    number_of_bestshots_to_send: 1,
    send_only_full_set: true,
    delete_track_after_sending: false,
  },
  primary_track_policy: { use_primary_track_policy: false, best_shot_min_size: 70, best_shot_proper_size: 140 },
  liveness: {
    use_mask_liveness_filtration: false,
    use_flying_faces_liveness_filtration: false,
    use_shoulders_liveness_filtration: false,
    liveness_mode: 0,
    number_of_liveness_checks: 0,
    liveness_threshold: 0,
    livenesses_weights: [0, 0, 0],
    mask_backgrounds_count: 0,
  },
  filtering: {
    min_score: 0.5187,
    detection_yaw_threshold: 40,
    detection_pitch_threshold: 40,
    detection_roll_threshold: 30,
    yaw_number: 1,
    yaw_collection_mode: false,
    mouth_occlusion_threshold: 0,
  },
  frame_processing_mode: 'auto',
  real_time_mode_fps: 0,
  ffmpeg_threads_number: 0,
  healthcheck: { max_error_count: 10, period: 3600, retry_delay: 5 },
};

function keysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keysDeep);
  if (value && typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => [k, keysDeep(v)]);
  }
  return value;
}

describe('POST /1/streams', () => {
  it('creates a pending stream with version 1 and every default filled, keys in spec order', async () => {
    const created = await request(api.app).post('/1/streams').send(streamBody()).expect(201);
    expect(created.body).toEqual({ stream_id: expect.stringMatching(/^[a-f0-9-]{36}$/), version: 1 });
    expect(Object.keys(created.body)).toEqual(['stream_id', 'version']);
    expect(created.headers.location).toBe(`/1/streams/${created.body.stream_id}`);

    const got = await request(api.app).get(`/1/streams/${created.body.stream_id}`).expect(200);
    const expected = {
      stream_id: created.body.stream_id,
      account_id: ACCOUNT_A,
      name: '',
      description: '',
      data: {
        type: 'tcp',
        reference: 'rtsp://10.0.0.15:554/live/ch1',
        roi: [0, 0, 0, 0],
        droi: [0, 0, 0, 0],
        rotation: 0,
      },
      event_handler: {
        origin: 'http://127.0.0.1:5000',
        api_version: 6,
        bestshot_handler: { handler_id: HANDLER },
        detection_handler: null,
      },
      policies: FULL_DEFAULT_POLICIES,
      location: { city: null, area: null, district: null, street: null, house_number: null, geo_position: null },
      autorestart: {
        restart: 1,
        attempt_count: 10,
        delay: 60,
        current_attempt: 0,
        last_attempt_time: null,
        status: 'enabled',
      },
      version: 1,
      create_time: got.body.create_time,
      status: 'pending',
      last_error: null,
      video_info: null,
      groups: [],
    };
    expect(got.body).toEqual(expected);
    // Same keys in the same order, all the way down.
    expect(keysDeep(got.body)).toEqual(keysDeep(expected));
    expect(got.body.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('keeps what the full example body gives, partial policies merged with defaults', async () => {
    const body = streamBody({
      name: 'entrance-west',
      description: 'West entrance, 2nd floor',
      data: { type: 'udp', reference: 'rtsp://10.0.0.16:554/x', roi: [0, 0, 1920, 1080], droi: [400, 200, 800, 600] },
      event_handler: {
        origin: 'http://127.0.0.1:5000',
        bestshot_handler: { handler_id: HANDLER },
        frame_store: 'http://127.0.0.1:5020/1/buckets/frames/images',
      },
      policies: { filtering: { min_score: 0.6 }, healthcheck: { max_error_count: 5 } },
      location: { city: 'Moscow', geo_position: { latitude: 55.7522, longitude: 37.5931 } },
      autorestart: { restart: 0, attempt_count: 3, delay: 30 },
      status: 'pause',
    });
    const { body: created } = await request(api.app).post('/1/streams').send(body).expect(201);
    const { body: got } = await request(api.app).get(`/1/streams/${created.stream_id}`).expect(200);
    expect(got.name).toBe('entrance-west');
    expect(got.status).toBe('pause');
    expect(got.data).toEqual({ ...(body.data as object), rotation: 0 });
    expect(got.event_handler.frame_store).toBe('http://127.0.0.1:5020/1/buckets/frames/images');
    expect(got.event_handler.api_version).toBe(6);
    expect(got.policies.filtering).toEqual({ ...FULL_DEFAULT_POLICIES.filtering, min_score: 0.6 });
    expect(got.policies.healthcheck).toEqual({ max_error_count: 5, period: 3600, retry_delay: 5 });
    expect(got.location).toEqual({
      city: 'Moscow',
      area: null,
      district: null,
      street: null,
      house_number: null,
      geo_position: { latitude: 55.7522, longitude: 37.5931 },
    });
    expect(got.autorestart).toEqual({
      restart: 0,
      attempt_count: 3,
      delay: 30,
      current_attempt: 0,
      last_attempt_time: null,
      status: 'disabled',
    });
  });

  it('writes the first log row in the same statement, with the stream time and version 1', async () => {
    const { body } = await request(api.app)
      .post('/1/streams')
      .send(streamBody({ status: 'pause' }))
      .expect(201);
    const logs = await api.deps.db.prisma.streamLog.findMany({ where: { stream_id: body.stream_id } });
    const stream = await api.deps.db.prisma.stream.findUniqueOrThrow({ where: { stream_id: body.stream_id } });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ status: 'pause', version: 1, account_id: ACCOUNT_A, error: null });
    expect(logs[0]!.log_time.getTime()).toBe(stream.create_time.getTime());
  });

  it('answers 404 39007 for an unknown group and creates nothing', async () => {
    const before = await api.deps.db.prisma.stream.count();
    const res = await request(api.app)
      .post('/1/streams')
      .send(streamBody({ group_name: 'no_such_group' }))
      .expect(404);
    expect(res.body).toEqual({
      error_code: 39007,
      desc: 'Object not found',
      detail: "Group named 'no_such_group' not found",
    });
    expect(await api.deps.db.prisma.stream.count()).toBe(before);
    expect(await api.deps.db.prisma.streamLog.count({ where: { status: 'pending', account_id: ACCOUNT_A } })).toBe(
      await api.deps.db.prisma.stream.count({ where: { status: 'pending' } }),
    );
  });

  it('links the stream to an existing group of its account', async () => {
    // Groups get their endpoints later; the table exists now, so create one directly.
    await api.deps.db.prisma.group.create({ data: { account_id: ACCOUNT_A, group_name: 'entrance_cams' } });
    const { body } = await request(api.app)
      .post('/1/streams')
      .send(streamBody({ group_name: 'entrance_cams' }))
      .expect(201);
    const { body: got } = await request(api.app).get(`/1/streams/${body.stream_id}`).expect(200);
    expect(got.groups).toEqual(['entrance_cams']);
  });

  describe('validation (400 12022 with the path)', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'missing data',
        { data: undefined },
        "Failed to validate input json. Path: '', message: ''data' is a required property'",
      ],
      [
        'unknown property',
        { faces: [] },
        "Failed to validate input json. Path: '', message: 'Additional properties are not allowed ('faces' was unexpected)'",
      ],
      [
        'name of 129 characters',
        { name: 'a'.repeat(129) },
        `Failed to validate input json. Path: 'name', message: ''${'a'.repeat(76)}...' is too long'`,
      ],
      [
        'initial status in_progress',
        { status: 'in_progress' },
        "Failed to validate input json. Path: 'status', message: ''in_progress' is not one of ['pending', 'pause']'",
      ],
      ['bad source type', { data: { type: 'rtmp', reference: 'rtmp://x/y' } }, "Path: 'data', message:"],
      ['description of 129', { description: 'd'.repeat(129) }, "Path: 'description'"],
      ['bad account_id', { account_id: 'not-a-uuid' }, "Path: 'account_id'"],
      ['rotation 45', { data: { type: 'tcp', reference: 'x', rotation: 45 } }, "Path: 'data.rotation'"],
      ['negative roi', { data: { type: 'tcp', reference: 'x', roi: [-1, 0, 0, 0] } }, "Path: 'data.roi.0'"],
      ['roi beyond int4', { data: { type: 'tcp', reference: 'x', roi: [2 ** 31, 0, 0, 0] } }, "Path: 'data.roi.0'"],
      ['NUL in name', { name: 'cam\u0000' }, "Path: 'name'"],
      ['lone surrogate in description', { description: 'x\ud800' }, "Path: 'description'"],
      ['autorestart delay not integer', { autorestart: { delay: 1.5 } }, "Path: 'autorestart.delay'"],
      ['attempt_count 0', { autorestart: { attempt_count: 0 } }, "Path: 'autorestart.attempt_count'"],
      ['restart 2', { autorestart: { restart: 2 } }, "Path: 'autorestart.restart'"],
      ['unknown policy key', { policies: { sending: { foo: 1 } } }, "Path: 'policies.sending'"],
      ['min_score above 1', { policies: { filtering: { min_score: 2 } } }, "Path: 'policies.filtering.min_score'"],
      ['bad group_name', { group_name: 'bad name!' }, "Path: 'group_name'"],
      ['city of 37', { location: { city: 'c'.repeat(37) } }, "Path: 'location.city'"],
      [
        'latitude 91',
        { location: { geo_position: { latitude: 91, longitude: 0 } } },
        "Path: 'location.geo_position.latitude'",
      ],
      [
        'origin not a URL',
        { event_handler: { origin: 'nowhere', bestshot_handler: { handler_id: HANDLER } } },
        "Path: 'event_handler.origin'",
      ],
      [
        'missing bestshot_handler',
        { event_handler: { origin: 'http://x' } },
        "Path: 'event_handler', message: ''bestshot_handler' is a required property'",
      ],
      ['body is an array', { __replace: [] }, "Path: ''"],
    ];
    it.each(cases)('%s', async (_name, override, detail) => {
      const before = await api.deps.db.prisma.stream.count();
      const body = '__replace' in override ? override.__replace : streamBody(override);
      const res = await request(api.app)
        .post('/1/streams')
        .send(body as object)
        .expect(400);
      expect(res.body.error_code).toBe(12022);
      expect(res.body.desc).toBe('Bad/incomplete input data');
      expect(res.body.detail).toContain(detail);
      expect(await api.deps.db.prisma.stream.count()).toBe(before);
    });
  });
});
