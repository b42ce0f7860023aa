import { AssignerProtocol } from 'kafkajs';
import type { Cluster, PartitionMetadata } from 'kafkajs';
import { assignBySubscription, projectorGroupFor, readerGroupFor, topicAwareAssigner, TOPIC_AWARE_ASSIGNER } from './consumer-groups';

const partitions: Record<string, number[]> = { staging: [0, 1, 2], production: [0, 1, 2, 3, 4, 5] };
const partitionsOf = (topic: string) => partitions[topic] ?? [];

describe('topic-aware partition assignment', () => {
  it('derives default group names from the topic', () => {
    expect(projectorGroupFor('timeline.events')).toBe('timeline.events.projector');
    expect(readerGroupFor('timeline.events', 'sse', 'host-1')).toBe('timeline.events.sse.host-1');
  });

  it('gives each member only partitions of topics it subscribes to, and every partition to one member', () => {
    const assignment = assignBySubscription(
      [
        { memberId: 'a', topics: ['staging'] },
        { memberId: 'b', topics: ['production'] },
        { memberId: 'c', topics: ['production'] },
      ],
      partitionsOf,
    );
    expect(Object.fromEntries(assignment)).toEqual({
      a: { staging: [0, 1, 2] },
      b: { production: [0, 2, 4] },
      c: { production: [1, 3, 5] },
    });
  });

  it('spreads one topic round robin over its members, whatever order they come in', () => {
    const members = [
      { memberId: 'm2', topics: ['staging'] },
      { memberId: 'm1', topics: ['staging'] },
    ];
    const assignment = Object.fromEntries(assignBySubscription(members, partitionsOf));
    expect(assignment).toEqual({ m1: { staging: [0, 2] }, m2: { staging: [1] } });
    expect(Object.fromEntries(assignBySubscription([...members].reverse(), partitionsOf))).toEqual(assignment);
  });

  it('covers each topic exactly once when members subscribe to several topics', () => {
    const members = [
      { memberId: 'x', topics: ['staging', 'production'] },
      { memberId: 'y', topics: ['production'] },
      { memberId: 'z', topics: ['staging'] },
    ];
    const assignment = assignBySubscription(members, partitionsOf);
    for (const topic of ['staging', 'production']) {
      const given = [...assignment].flatMap(([memberId, own]) => {
        if ((own[topic] ?? []).length > 0) expect(members.find((member) => member.memberId === memberId)!.topics).toContain(topic);
        return own[topic] ?? [];
      });
      expect(given.sort((a, b) => a - b)).toEqual(partitions[topic]);
    }
  });

  it("works as a kafkajs assigner: reads each member's subscription and fetches the metadata of topics the leader does not read", async () => {
    const added: string[][] = [];
    const cluster = {
      addMultipleTargetTopics: async (topics: string[]) => void added.push(topics),
      findTopicPartitionMetadata: (topic: string) => partitionsOf(topic).map((partitionId) => ({ partitionId }) as PartitionMetadata),
    } as unknown as Cluster;
    const assigner = topicAwareAssigner({ cluster, groupId: 'shared', logger: undefined as never });
    expect(assigner.name).toBe(TOPIC_AWARE_ASSIGNER);
    const member = (memberId: string, topics: string[]) => ({ memberId, memberMetadata: assigner.protocol({ topics }).metadata });
    // The leader subscribes to staging only: kafkajs passes only its topics; the assigner must not rely on them.
    const result = await assigner.assign({ members: [member('a', ['staging']), member('b', ['production'])], topics: ['staging'] });
    expect(added).toEqual([['staging', 'production']]);
    const decoded = Object.fromEntries(
      result.map(({ memberId, memberAssignment }) => [memberId, AssignerProtocol.MemberAssignment.decode(memberAssignment)!.assignment]),
    );
    expect(decoded).toEqual({ a: { staging: [0, 1, 2] }, b: { production: [0, 1, 2, 3, 4, 5] } });
  });
});
