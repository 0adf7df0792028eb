import type { Job } from '../../src/shared/api';
import type { Services } from '../../src/main/app/services';

/**
 * The job once it has finished. A job may finish before the caller gets its id (a unit
 * whose claim is refused fails at once): the queue's list is read as well as the event.
 */
export function jobFinished(services: Pick<Services, 'events' | 'jobs'>, jobId: string): Promise<Job> {
  return new Promise<Job>((resolve) => {
    const off = services.events.subscribe((name, payload) => {
      if (name === 'job.finished' && (payload as Job).jobId === jobId) {
        off();
        resolve(payload as Job);
      }
    });
    const over = services.jobs.list().find((job) => job.jobId === jobId && job.finishedAt !== null);
    if (over) {
      off();
      resolve(over);
    }
  });
}
