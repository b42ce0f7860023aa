import { deciderSpecification } from '../testing/decider-specification';
import { changeTrackStatus, TRACK_ID, trackOpened, trackStatusChanged } from './track-fixtures';
import { ChangeTrackStatus, ClosedTrackStatus, trackDecider, TrackStatus } from './track';

const spec = deciderSpecification(trackDecider);
const opened = (status: TrackStatus) => trackOpened({ status });

describe('ChangeTrackStatus', () => {
  it.each<[TrackStatus, TrackStatus]>([
    ['proposed', 'agreed'],
    ['agreed', 'signed'],
    ['signed', 'in_implementation'],
    ['in_implementation', 'completed'],
    ['in_implementation', 'stalled'],
    ['stalled', 'in_implementation'],
    ['proposed', 'dropped'],
    ['signed', 'proposed'],
  ])('moves %s to %s', (from, to) => {
    spec
      .given([opened(from)])
      .when(changeTrackStatus(to))
      .then([trackStatusChanged(from, to)]);
  });

  it('keeps the reason and takes from from the state, after earlier changes', () => {
    spec
      .given([opened('proposed'), trackStatusChanged('proposed', 'agreed'), trackStatusChanged('agreed', 'signed')])
      .when(changeTrackStatus('stalled', 'oil dispute'))
      .then([trackStatusChanged('signed', 'stalled', 'oil dispute')]);
  });

  it('refuses a track that was never opened', () => {
    spec.given([]).when(changeTrackStatus('agreed')).thenThrows('track_not_found', 'trackId');
  });

  it('refuses a command for another track than the stream holds', () => {
    const command = changeTrackStatus('agreed');
    spec
      .given([opened('proposed')])
      .when({ ...command, data: { ...command.data, trackId: 't-other' } })
      .thenThrows('track_id_mismatch', 'trackId');
  });

  it.each([['granted'], [undefined]])('refuses the status %p', (status) => {
    const unknown = { type: 'ChangeTrackStatus', data: { trackId: TRACK_ID, status } } as unknown as ChangeTrackStatus;
    spec
      .given([opened('proposed')])
      .when(unknown)
      .thenThrows('invalid_track_status', 'status');
  });

  it('refuses the status the track has', () => {
    spec
      .given([opened('signed')])
      .when(changeTrackStatus('signed'))
      .thenThrows('no_change', 'status');
  });

  it.each<ClosedTrackStatus>(['completed', 'dropped'])('refuses any change after %s', (closed) => {
    spec
      .given([opened('in_implementation'), trackStatusChanged('in_implementation', closed)])
      .when(changeTrackStatus('in_implementation'))
      .thenThrows('track_closed', 'trackId');
    spec
      .given([opened(closed)])
      .when(changeTrackStatus(closed))
      .thenThrows('track_closed', 'trackId');
  });

  it('refuses a blank reason', () => {
    spec
      .given([opened('proposed')])
      .when(changeTrackStatus('agreed', ' '))
      .thenThrows('invalid_text', 'reason');
  });
});
