// libFuzzer target for the push channel's wire format as an agent reads it: bytes from the
// controller arrive in chunks of any size, FrameDecoder cuts them into messages, and snapshots
// and deltas are applied to the host's state as channel_client.cpp does. Whatever the bytes,
// decoding ends in a message, a wait for more bytes or FrameError, and applying ends in a new
// state or an exception (the agent then drops the connection). A decoded message survives
// encode_frame and a second decoding unchanged, and diff_host_state/apply_host_delta turn one
// state into the next. A violated property aborts, which libFuzzer reports as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "common/channel/frame_codec.hpp"
#include "common/channel/host_state.hpp"

namespace {

using namespace neutrino;
using namespace neutrino::channel;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void check_round_trip(const Json& message) {
  FrameDecoder again;
  again.feed(encode_frame(message));
  const auto decoded = again.next();
  check(decoded.has_value() && *decoded == message);
  check(again.buffered() == 0 && !again.next().has_value());
}

// What the agent's channel client does with a message; throws on a malformed one.
void apply_message(HostState& state, const Json& message) {
  const std::string type = message.value("type", "");
  if (type == "snapshot") {
    HostState next;
    for (const auto& [key, object] : message.at("state").items()) {
      next[key] = object;
    }
    state = std::move(next);
  } else if (type == "delta") {
    HostState next = state;
    apply_host_delta(next, message);
    // The controller computes deltas with diff_host_state: it must describe this change too.
    HostState replayed = state;
    apply_host_delta(replayed, diff_host_state(state, next));
    check(replayed == next);
    state = std::move(next);
  }
}

}  // namespace

// The first byte sets the chunk size the stream is fed in (1..256 bytes), so frames split at
// every offset, the length prefix included.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const size_t chunk = size_t{data[0]} + 1;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  FrameDecoder decoder;
  HostState state;
  try {
    for (size_t offset = 0; offset < stream.size(); offset += chunk) {
      decoder.feed(stream.substr(offset, chunk));
      while (auto message = decoder.next()) {
        check(message->is_object());
        check_round_trip(*message);
        try {
          apply_message(state, *message);
        } catch (const FrameError&) {
          std::abort();  // only the decoder may throw FrameError
        } catch (const std::exception&) {
          return 0;  // a malformed message: the agent drops the connection
        }
      }
    }
  } catch (const FrameError&) {
    return 0;  // an oversized or non-object frame: the stream is unusable
  }
  check(decoder.buffered() <= stream.size());
  return 0;
}
