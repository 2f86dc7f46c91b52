// One edit of the drawer, sent with the version the user saw. A change nobody else touched
// meanwhile is merged by the server and its result shown; one that collides shows what the
// other person changed, with "Keep mine" and "Use theirs"; a taken slot or closed hours offer
// their override; field messages go beside their fields.
import { ApiError } from './api.js';
import { theirValue, whoChanged } from './collision.js';
import { clearFieldErrors, showFieldErrors } from './forms.js';
import { refusal, showRefusal } from './refusals.js';
import { toast } from './toasts.js';

/**
 * ``drawer`` gives id, sync, saved(appointment), show(appointment), history and collision.
 * Returns ``run(edit)``, where ``edit`` is {send(version, overrides), version, success, and
 * optionally form, refusalBox, verb, staffName, done(appointment)}; it resolves to true when
 * the edit was made.
 */
export function createRunner(drawer) {
  let busy = false;

  function answer(error, edit, overrides) {
    const problem = error instanceof ApiError ? error.problem : {};
    if (error.status === 409 && problem.current && problem.conflicting_event) {
      const { current } = problem;
      drawer.collision.show({
        who: `${whoChanged(problem.conflicting_event)}, while you had it open. Their version:`,
        theirs: theirValue(current, problem.fields ?? []),
        keepMine: () => run({ ...edit, version: current.version }, overrides),
        useTheirs: () => {
          edit.done?.(current);
          drawer.saved(current);
          drawer.show(current);
        },
      });
      return;
    }
    const found = refusal(error, { staffName: edit.staffName, verb: edit.verb });
    if (found && edit.refusalBox) {
      showRefusal(edit.refusalBox, found, (flag) => run(edit, { ...overrides, [flag]: true }));
      return;
    }
    if (problem.errors && edit.form) {
      const unplaced = showFieldErrors(edit.form, problem.errors);
      if (unplaced.length) toast('Not saved', { kind: 'error', lines: unplaced });
      return;
    }
    if (error.status === 401) return;
    const lines = problem.allowed ? [`Allowed now: ${problem.allowed.join(', ') || 'nothing'}`] : [];
    toast(`Not saved: ${error.message}`, { kind: 'error', lines });
  }

  async function run(edit, overrides = {}) {
    if (busy) return false;
    const { id } = drawer;
    busy = true;
    drawer.collision.hide();
    if (edit.form) clearFieldErrors(edit.form);
    if (edit.refusalBox) showRefusal(edit.refusalBox, null);
    try {
      const { data, position } = await edit.send(edit.version, overrides);
      drawer.sync.sawWrite(position);
      drawer.saved(data.appointment);
      if (id === drawer.id) {
        edit.done?.(data.appointment);
        drawer.show(data.appointment);
        drawer.history.load();
      }
      drawer.sync.refresh();
      toast(edit.success, { kind: 'success' });
      return true;
    } catch (error) {
      if (id === drawer.id) answer(error, edit, overrides);
      return false;
    } finally {
      busy = false;
    }
  }

  return run;
}
