import {
  countPath,
  feedParams,
  listPath,
  pageCount,
  viewFromQuery,
  viewUrl,
  type StreamsView,
} from '../src/lib/filters';

const ACCOUNT = '0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40';

describe('the streams view in the URL', () => {
  it('reads every filter of GET /1/streams, lists split on commas', () => {
    const view = viewFromQuery(
      new URLSearchParams(
        `account_id=${ACCOUNT}&statuses=pending, failure&names=cam-1,cam-2&reference=rtsp://x&group_name=entrance` +
          '&create_time__gte=2026-12-01T00:00:00Z&create_time__lt=2026-12-02T00:00:00Z&stream_ids=a,b&page=3&page_size=50',
      ),
    );
    expect(view).toEqual({
      filters: {
        account_id: ACCOUNT,
        statuses: ['pending', 'failure'],
        names: ['cam-1', 'cam-2'],
        reference: 'rtsp://x',
        group_name: 'entrance',
        create_time__gte: '2026-12-01T00:00:00Z',
        create_time__lt: '2026-12-02T00:00:00Z',
        stream_ids: ['a', 'b'],
      },
      page: 3,
      page_size: 50,
    });
  });

  it('drops empty filters and falls back to page 1 and 25 rows for bad paging', () => {
    expect(viewFromQuery({ account_id: '  ', statuses: ',', page: '0', page_size: 'x' })).toEqual({
      filters: {},
      page: 1,
      page_size: 25,
    });
    expect(viewFromQuery({ page_size: '500' }).page_size).toBe(100);
  });

  it('writes a URL that reads back as the same view, defaults left out', () => {
    const view: StreamsView = {
      filters: { account_id: ACCOUNT, statuses: ['done', 'failure'] },
      page: 2,
      page_size: 25,
    };
    const url = viewUrl(view);
    expect(url).toBe(`/console/streams?account_id=${ACCOUNT}&statuses=done%2Cfailure&page=2`);
    expect(viewFromQuery(new URLSearchParams(url.split('?')[1]))).toEqual(view);
    expect(viewUrl({ filters: {}, page: 1, page_size: 25 })).toBe('/console/streams');
  });

  it('asks the API for the page, and counts per status under the other filters', () => {
    const view: StreamsView = { filters: { account_id: ACCOUNT, statuses: ['pending'] }, page: 4, page_size: 10 };
    expect(listPath(view)).toBe(`/1/streams?account_id=${ACCOUNT}&statuses=pending&page=4&page_size=10`);
    expect(countPath(view.filters, 'pending')).toBe(`/1/streams/count?account_id=${ACCOUNT}&statuses=pending`);
    // A status the view's filter leaves out is not asked for.
    expect(countPath(view.filters, 'done')).toBeUndefined();
    expect(countPath({ names: ['a b'] }, 'done')).toBe('/1/streams/count?names=a+b&statuses=done');
  });

  it('follows the feed by account and group only (rows may move to any status)', () => {
    const params = feedParams({ account_id: ACCOUNT, group_name: 'gate', statuses: ['pending'], names: ['x'] });
    expect(params.toString()).toBe(`account_id=${ACCOUNT}&group_name=gate`);
  });

  it('counts pages, at least one', () => {
    expect([pageCount(0, 25), pageCount(25, 25), pageCount(26, 25), pageCount(10_000, 100)]).toEqual([1, 1, 2, 100]);
  });
});
