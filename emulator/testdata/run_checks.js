// runChecks runs each async check of checks in turn, prints "ok   name" or
// "FAIL name" with the error's stack, and exits 1 if any failed. Shared by
// the node harnesses in this folder.
'use strict';

module.exports = async function runChecks(checks) {
  let failed = 0;
  for (const [name, fn] of Object.entries(checks)) {
    try {
      await fn();
      console.log('ok   ' + name);
    } catch (e) {
      failed++;
      console.log('FAIL ' + name + '\n' + (e && e.stack ? e.stack : JSON.stringify(e)));
    }
  }
  process.exit(failed ? 1 : 0);
};
