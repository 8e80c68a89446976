#include "store/nested_transaction.h"

#include "common/crash_point.h"

namespace impostor {

Status NestedTransaction::RolledBack() const {
  return Status::IOError(name_ + ": the transaction was rolled back after an error; nothing of it was written");
}

Status NestedTransaction::Begin() {
  if (depth_ == 0) {
    IMPOSTOR_RETURN_IF_ERROR(db_.BeginOuter());
    doomed_ = false;
    CrashPoint("store.begin");
  } else if (Status open = db_.CheckOuter("starting a transaction"); !open.ok()) {
    // The database ended the outer transaction on an error (disk full, I/O, a
    // lost connection); what follows must not be written on its own.
    doomed_ = true;
    return open;
  }
  ++depth_;
  return Status::OK();
}

Status NestedTransaction::Commit() {
  if (depth_ == 0) return Status::Internal(name_ + ": commit without a transaction");
  if (--depth_ > 0) return Status::OK();
  if (doomed_) {
    doomed_ = false;
    db_.AbandonOuter();
    return Status::IOError(name_ + ": an earlier step failed; nothing of this transaction was written");
  }
  if (Status open = db_.CheckOuter("committing"); !open.ok()) {
    // A COMMIT of a transaction the database aborted would roll it back and may
    // report success: say so instead.
    db_.AbandonOuter();
    return open;
  }
  CrashPoint("store.commit");
  Status st = db_.CommitOuter();
  // A failed COMMIT (disk full) may leave the transaction open; end it so the
  // store stays as it was and the connection is usable.
  if (!st.ok()) {
    db_.AbandonOuter();
    return st;
  }
  CrashPoint("store.committed");
  return st;
}

Status NestedTransaction::Rollback() {
  if (depth_ > 1) {
    --depth_;
    doomed_ = true;
    return Status::OK();
  }
  depth_ = 0;
  doomed_ = false;
  return db_.RollbackOuter();
}

}  // namespace impostor
