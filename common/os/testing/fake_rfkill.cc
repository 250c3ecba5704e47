#include "common/os/testing/fake_rfkill.h"

namespace piiguard::os {
namespace {

RfkillEvent EventOf(uint32_t idx, const FakeRfkill::Radio& radio, RfkillOp op) {
  return RfkillEvent{idx, radio.type, op, radio.soft, radio.hard};
}

}  // namespace

bool FakeRfkill::type_default(uint8_t type) const {
  auto it = defaults_.find(type);
  return it != defaults_.end() && it->second;
}

uint32_t FakeRfkill::AddRadio(RadioType type, std::string name,
                              std::optional<bool> soft, bool hard) {
  uint32_t idx = next_idx_++;
  Radio radio{static_cast<uint8_t>(type), std::move(name),
              soft.value_or(type_default(static_cast<uint8_t>(type))), hard};
  radios_[idx] = radio;
  Emit(EventOf(idx, radio, RfkillOp::kAdd));
  return idx;
}

void FakeRfkill::RemoveRadio(uint32_t idx) {
  auto it = radios_.find(idx);
  if (it == radios_.end()) return;
  Emit(EventOf(idx, it->second, RfkillOp::kDel));
  radios_.erase(it);
}

void FakeRfkill::Set(uint32_t idx, bool soft) {
  auto it = radios_.find(idx);
  if (it == radios_.end() || it->second.soft == soft) return;
  it->second.soft = soft;
  Emit(EventOf(idx, it->second, RfkillOp::kChange));
}

void FakeRfkill::SetSoftByOther(uint32_t idx, bool soft) { Set(idx, soft); }

void FakeRfkill::SetHard(uint32_t idx, bool hard) {
  auto it = radios_.find(idx);
  if (it == radios_.end() || it->second.hard == hard) return;
  it->second.hard = hard;
  Emit(EventOf(idx, it->second, RfkillOp::kChange));
}

// Another open of the device: its own queue of every event from now on;
// writes and names go to the same radios.
class FakeRfkill::Reader : public Rfkill {
 public:
  explicit Reader(FakeRfkill& parent) : parent_(parent) {
    parent_.readers_.push_back(&queue_);
  }
  ~Reader() override { std::erase(parent_.readers_, &queue_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  int fd() const override { return -1; }
  Result<std::vector<RfkillEvent>> ReadEvents() override {
    if (parent_.read_errno_ != 0) {
      return ErrnoStatus("rfkill", "fake reader", parent_.read_errno_);
    }
    std::vector<RfkillEvent> events(queue_.begin(), queue_.end());
    queue_.clear();
    return events;
  }
  Status ChangeAll(uint8_t type, bool soft) override {
    return parent_.ChangeAll(type, soft);
  }
  Status Change(uint32_t idx, bool soft) override {
    return parent_.Change(idx, soft);
  }
  Result<std::string> Name(uint32_t idx) const override {
    return parent_.Name(idx);
  }

 private:
  FakeRfkill& parent_;
  std::deque<RfkillEvent> queue_;
};

std::unique_ptr<Rfkill> FakeRfkill::NewReader() {
  return std::make_unique<Reader>(*this);
}

void FakeRfkill::Emit(const RfkillEvent& event) {
  pending_.push_back(event);
  for (std::deque<RfkillEvent>* queue : readers_) queue->push_back(event);
}

Result<std::vector<RfkillEvent>> FakeRfkill::ReadEvents() {
  if (read_errno_ != 0) return ErrnoStatus("rfkill", "fake", read_errno_);
  std::vector<RfkillEvent> events(pending_.begin(), pending_.end());
  pending_.clear();
  return events;
}

Status FakeRfkill::CheckWrite(const RfkillEvent& event) {
  writes_.push_back(event);
  if (write_errno_ != 0) return ErrnoStatus("rfkill", "fake", write_errno_);
  return Status::Ok();
}

Status FakeRfkill::ChangeAll(uint8_t type, bool soft) {
  PIIGUARD_RETURN_IF_ERROR(
      CheckWrite(RfkillEvent{0, type, RfkillOp::kChangeAll, soft, false}));
  if (!apply_writes_) return Status::Ok();
  if (type == static_cast<uint8_t>(RadioType::kAll)) {
    for (uint8_t t = 0; t < kRadioTypeCount; ++t) defaults_[t] = soft;
  } else {
    defaults_[type] = soft;
  }
  for (auto& [idx, radio] : radios_) {
    if (type == static_cast<uint8_t>(RadioType::kAll) || radio.type == type) {
      Set(idx, soft);
    }
  }
  return Status::Ok();
}

Status FakeRfkill::Change(uint32_t idx, bool soft) {
  PIIGUARD_RETURN_IF_ERROR(
      CheckWrite(RfkillEvent{idx, 0, RfkillOp::kChange, soft, false}));
  if (apply_writes_) Set(idx, soft);
  return Status::Ok();
}

Result<std::string> FakeRfkill::Name(uint32_t idx) const {
  auto it = radios_.find(idx);
  if (it == radios_.end()) return NotFoundError("rfkill", "fake", "no radio");
  return it->second.name;
}

}  // namespace piiguard::os
