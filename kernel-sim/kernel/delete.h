/*
 * Deleting and revoking capabilities. Deleting the last capability to an
 * object finalises it; the slots of a finalised CNode or TCB are deleted in
 * turn, from a work list rather than by recursion, so arbitrarily deep
 * structures cannot exhaust kernel-sim's stack. The CNode an invocation
 * deletes goes slot by slot with preemption points, as a zombie. Object memory is released
 * once the event that deleted it has been handled completely.
 */
#pragma once

#include "state.h"

/*
 * seL4's cteDelete: empty the slot and finalise what it was the last cap to.
 * exposed: the deletion of a CNode's last capability may stop at a
 * preemption point (EXCEPTION_PREEMPTED), leaving a zombie in the slot.
 */
enum exception cte_delete(struct cte *slot, bool exposed);

/* seL4's cteDeleteOne, for caps whose finalisation never cascades (reply caps). */
void cte_delete_one(struct cte *slot);

/* Delete every descendant of the slot's capability (cteRevoke). */
enum exception cte_revoke(struct cte *slot);

/* Queue the slots of a dying CNode or TCB for deletion. */
void delete_slots_later(struct cte *slots, size_t count);
/* Delete the slots queued so far (finalising objects outside cte_delete: do it before the event
 * ends). */
void delete_pending_slots(void);

/*
 * Free obj with release() once the current event is done. Releasing needs
 * no host memory for an object that was promised its place when it was
 * made (release_reserve): deleting never fails for want of memory.
 */
void release_later(void *obj, void (*release)(void *obj));

/* Promise n objects about to be made their release (false: no host memory for it). */
bool release_reserve(size_t n);
/* n promised objects were not made after all. */
void release_unreserve(size_t n);

/*
 * Free everything released during the event, and CNode chunks left empty
 * (called by the event loop).
 */
void reap_released_objects(void);
