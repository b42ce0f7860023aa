import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Consumer groups that deployments sharing a Kafka cluster cannot mix up.
 *
 * Group names derive from the topic by default (`<topic>.projector`), so two
 * deployments that differ by topic never meet in one group. And when an
 * operator does put members of different topics in one group, the group's
 * assigner gives each member only partitions of topics it subscribes to:
 * kafkajs' own round robin spreads the leader's topics over every member of the
 * group, and a member drops the partitions of a topic it does not read, so the
 * other topic's partitions were read by no one, silently.
 */
export const TOPIC_AWARE_ASSIGNER = 'TimelineTopicAwareRoundRobin';

/** The projectors' default group for a topic. */
export function projectorGroupFor(topic: string): string {
  return `${topic}.projector`;
}

/** A name of a group of one reader of a topic, for `purpose` (`sse`, `rebuild`, …), unique by `unique`. */
export function readerGroupFor(topic: string, purpose: string, unique: string): string {
  return `${topic}.${purpose}.${unique}`;
}

export interface SubscribedMember {
  readonly memberId: string;
  readonly topics: readonly string[];
}

/**
 * Each topic's partitions, round robin over the members that subscribe to that
 * topic (sorted by member id, so every leader computes the same), continuing
 * from member to member across topics so that the load spreads. A member
 * subscribing to nothing of the group gets nothing.
 */
export function assignBySubscription(
  members: readonly SubscribedMember[],
  partitionsOf: (topic: string) => readonly number[],
): Map<string, Record<string, number[]>> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const assignment = new Map<string, Record<string, number[]>>(sorted.map((member) => [member.memberId, {}]));
  const topics = [...new Set(sorted.flatMap((member) => member.topics))].sort();
  const load = new Map<string, number>(sorted.map((member) => [member.memberId, 0]));
  for (const topic of topics) {
    const readers = sorted.filter((member) => member.topics.includes(topic));
    // Start with the least loaded reader, so that members of several topics are not all given partition 0.
    let next = readers.reduce((best, member, index) => (load.get(member.memberId)! < load.get(readers[best].memberId)! ? index : best), 0);
    for (const partition of [...partitionsOf(topic)].sort((a, b) => a - b)) {
      const member = readers[next % readers.length];
      const own = assignment.get(member.memberId)!;
      (own[topic] ??= []).push(partition);
      load.set(member.memberId, load.get(member.memberId)! + 1);
      next++;
    }
  }
  return assignment;
}

/** The kafkajs assigner over `assignBySubscription`: register it as the consumer's only `partitionAssigners`. */
export const topicAwareAssigner: PartitionAssigner = ({ cluster }) => ({
  name: TOPIC_AWARE_ASSIGNER,
  version: 0,
  async assign({ members }) {
    const subscribed = members.map(({ memberId, memberMetadata }) => ({
      memberId,
      topics: AssignerProtocol.MemberMetadata.decode(memberMetadata)?.topics ?? [],
    }));
    // The leader knows the metadata of its own topics only: fetch the others' too.
    const topics = [...new Set(subscribed.flatMap((member) => member.topics))];
    await cluster.addMultipleTargetTopics(topics);
    const assignment = assignBySubscription(subscribed, (topic) =>
      cluster.findTopicPartitionMetadata(topic).map((partition) => partition.partitionId),
    );
    return [...assignment].map(([memberId, own]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: own, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return {
      name: TOPIC_AWARE_ASSIGNER,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});

/** What every consumer of ours passes to `kafka.consumer(...)` besides its group. */
export const CONSUMER_ASSIGNERS = { partitionAssigners: [topicAwareAssigner] };
