// What this token may do, asked once after sign-in (GET /me). The page hides what the role may
// not use; the server still checks every request. Elements marked data-needs="staff" (or admin,
// support) are shown only to a role granted that.
import { api } from './api.js';

let grants = new Set();

export const role = {
  name: null,
  /** True when the token may act as ``needed`` (viewer, staff, admin or support). */
  may: (needed) => grants.has(needed),

  async load() {
    const me = await api.get('/me');
    role.name = me.name;
    grants = new Set(me.grants);
    document.body.dataset.role = me.role;
    role.apply(document);
    return me;
  },

  forget() {
    role.name = null;
    grants = new Set();
    delete document.body.dataset.role;
    role.apply(document);
  },

  /** Shows or hides every data-needs element under ``root`` for the current role. */
  apply(root) {
    for (const node of root.querySelectorAll('[data-needs]')) {
      node.hidden = !grants.has(node.dataset.needs);
    }
  },
};
