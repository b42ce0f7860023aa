import { deciderSpecification } from '../testing/decider-specification';
import { deadlineSet, setDeadline, trackOpened, trackStatusChanged } from './track-fixtures';
import { SetTrackDeadline, trackDecider } from './track';

const spec = deciderSpecification(trackDecider);
const loose = (data: Record<string, unknown>): SetTrackDeadline => ({ type: 'SetTrackDeadline', data: { ...setDeadline().data, ...data } });

describe('SetTrackDeadline', () => {
  it('sets a deadline', () => {
    spec.given([trackOpened()]).when(setDeadline()).then([deadlineSet()]);
  });

  it.each(['2021', '2021-12', '2021-12-01', '2021-12-01T12:00:00+03:00', '2021-09/2021-10', ' 2022 '])(
    'takes the due time %p, trimmed',
    (due) => {
      spec
        .given([trackOpened()])
        .when(setDeadline({ due }))
        .then([deadlineSet({ due: due.trim() })]);
    },
  );

  it('sets a second deadline beside the first', () => {
    spec
      .given([trackOpened(), deadlineSet()])
      .when(setDeadline({ deadlineId: 'vat-unified', description: 'VAT unified', due: '2022' }))
      .then([deadlineSet({ deadlineId: 'vat-unified', description: 'VAT unified', due: '2022' })]);
  });

  it('moves a deadline already set to another due time, or describes it anew', () => {
    spec
      .given([trackOpened(), deadlineSet()])
      .when(setDeadline({ due: '2022-06' }))
      .then([deadlineSet({ due: '2022-06' })]);
    spec
      .given([trackOpened(), deadlineSet()])
      .when(setDeadline({ description: 'Tax codes unified' }))
      .then([deadlineSet({ description: 'Tax codes unified' })]);
  });

  it('refuses a track that was never opened', () => {
    spec.given([]).when(setDeadline()).thenThrows('track_not_found', 'trackId');
  });

  it.each(['completed', 'dropped'] as const)('refuses a deadline on a %s track', (closed) => {
    spec
      .given([trackOpened(), trackStatusChanged('proposed', closed)])
      .when(setDeadline())
      .thenThrows('track_closed', 'trackId');
  });

  it.each(['', 'Tax-Code', 'tax code', 'x'.repeat(61), undefined])('refuses the deadline id %p', (deadlineId) => {
    spec.given([trackOpened()]).when(loose({ deadlineId })).thenThrows('invalid_deadline_id', 'deadlineId');
  });

  it.each(['', '  ', undefined])('refuses the description %p', (description) => {
    spec.given([trackOpened()]).when(loose({ description })).thenThrows('description_required', 'description');
  });

  it.each(['soon', '2021-13', '2021-12-01T12:00:00', '2022/2021', '', 2021, undefined])('refuses the due time %p', (due) => {
    spec.given([trackOpened()]).when(loose({ due })).thenThrows('invalid_due', 'due');
  });

  it('refuses a deadline identical to the one set, however its due time is written', () => {
    spec.given([trackOpened(), deadlineSet()]).when(setDeadline()).thenThrows('no_change', 'due');
    spec
      .given([trackOpened(), deadlineSet({ due: '2021-12-01T12:00:00Z' })])
      .when(setDeadline({ due: '2021-12-01T15:00:00+03:00' }))
      .thenThrows('no_change', 'due');
  });
});
