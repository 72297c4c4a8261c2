// Uses demo::Mailbox (test/checks/Inputs/mailbox/mailbox.hpp), which a
// role option names with a typo: role-names.test.
#include "mailbox.hpp"

void shut(demo::Mailbox<int> &box) { box.close(); }
