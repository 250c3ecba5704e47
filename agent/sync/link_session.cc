#include "agent/sync/link_session.h"

namespace piiguard::sync {

Result<LinkReply> LinkSession::Handle(std::string_view frame) {
  last_op_ = {};
  PIIGUARD_ASSIGN_OR_RETURN(ChildRequest request, ParseChildRequest(frame));
  last_op_ = PermitOf(request.op).name;
  if (request.op == ChildOp::kHello) {
    if (greeted_) {
      return InvalidArgumentError("sync link request", "hello", "sent twice");
    }
    greeted_ = true;
    sandbox_ = request.sandbox;
    LinkReply reply;
    reply.payload = SerializeHelloAnswer(HelloAnswer{interval_seconds_});
    reply.with_wake_fd = true;
    return reply;
  }
  if (!greeted_) {
    return InvalidArgumentError("sync link request", last_op_, "before hello");
  }
  LinkReply reply;
  reply.payload = AnswerChildRequest(link_, request, &reply.secret);
  return reply;
}

}  // namespace piiguard::sync
