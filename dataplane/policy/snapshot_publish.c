/*
 * snapshot_publish.c - swapping snapshots under running workers with DPDK's
 * QSBR RCU: one atomic pointer, read once per burst by each worker; the
 * publisher stores the new one and waits until every online worker has
 * reported a quiescent state (so none can still hold the old pointer); then
 * the old snapshot is the caller's to free. Workers never wait; the publisher
 * does.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <rte_rcu_qsbr.h>

#include "snapshot_internal.h"

/*
 * ThreadSanitizer does not model the fences rte_rcu_qsbr synchronises with,
 * so it would see a worker's last read of a snapshot and the publisher's
 * free of it as a race. Under TSan only, the quiescent report and the end of
 * the grace period carry the same happens-before edge explicitly.
 */
#if defined(__SANITIZE_THREAD__)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define tsan_release(addr) __tsan_release(addr)
#define tsan_acquire(addr) __tsan_acquire(addr)
#else
#define tsan_release(addr) ((void)(addr))
#define tsan_acquire(addr) ((void)(addr))
#endif

struct snapshot_slot {
	_Atomic(struct e911_snapshot *) current;
	unsigned workers;
	struct rte_rcu_qsbr *qsbr; /* rte_rcu_qsbr_get_memsize() bytes, cache aligned */
};

struct snapshot_slot *snapshot_slot_new(unsigned workers)
{
	if (workers == 0 || workers > SNAPSHOT_MAX_WORKERS)
		return NULL;
	struct snapshot_slot *slot = calloc(1, sizeof(*slot));
	size_t size = rte_rcu_qsbr_get_memsize(workers);
	if (slot == NULL)
		return NULL;
	slot->qsbr = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE));
	if (slot->qsbr == NULL || rte_rcu_qsbr_init(slot->qsbr, workers) != 0) {
		free(slot->qsbr);
		free(slot);
		return NULL;
	}
	slot->workers = workers;
	atomic_init(&slot->current, NULL);
	return slot;
}

void snapshot_slot_free(struct snapshot_slot *slot)
{
	if (slot == NULL)
		return;
	snapshot_free(atomic_load(&slot->current));
	free(slot->qsbr);
	free(slot);
}

void snapshot_slot_worker_start(struct snapshot_slot *slot, unsigned worker)
{
	rte_rcu_qsbr_thread_register(slot->qsbr, worker);
	rte_rcu_qsbr_thread_online(slot->qsbr, worker);
}

void snapshot_slot_worker_stop(struct snapshot_slot *slot, unsigned worker)
{
	rte_rcu_qsbr_thread_offline(slot->qsbr, worker);
	rte_rcu_qsbr_thread_unregister(slot->qsbr, worker);
}

const struct e911_snapshot *snapshot_slot_get(const struct snapshot_slot *slot)
{
	return atomic_load_explicit(&((struct snapshot_slot *)(uintptr_t)slot)->current,
				    memory_order_acquire);
}

void snapshot_slot_quiescent(struct snapshot_slot *slot, unsigned worker)
{
	tsan_release(slot);
	rte_rcu_qsbr_quiescent(slot->qsbr, worker);
}

int snapshot_slot_publish(struct snapshot_slot *slot, struct e911_snapshot *next,
			  struct e911_snapshot **retired)
{
	if (next == NULL || next->worker_count != slot->workers)
		return -EINVAL;
	struct e911_snapshot *old =
		atomic_exchange_explicit(&slot->current, next, memory_order_acq_rel);
	/* Every online worker passes a quiescent point after the swap: none holds `old` then. */
	rte_rcu_qsbr_synchronize(slot->qsbr, RTE_QSBR_THRID_INVALID);
	tsan_acquire(slot);
	*retired = old;
	return 0;
}
