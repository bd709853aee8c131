// Workflow histories <-> the JSON files under test/fixtures/histories (the protobuf JSON
// format of `historyToJSON` in @temporalio/common, which `temporal workflow show --output json`
// and `Worker.runReplayHistory` also use). Shared by scripts/record-histories.mjs and the
// replay test.
//
// Why not `historyToJSON` / `historyFromJSON` directly: in this dependency tree npm installs a
// separate copy of protobufjs 8 under @temporalio/proto, /common and /worker (the root has
// protobufjs 7 for @grpc/proto-loader), and the SDK helpers pass a type of one copy to the
// JSON codec of another, which throws `type must be a Type`. So the SDK helpers are tried
// first, and on that error the codec of the copy that owns the types is used; the output
// is the same.
'use strict';
const path = require('node:path');
const common = require('@temporalio/common/lib/proto-utils');
const proto = require('@temporalio/proto');
const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root');

const History = proto.temporal.api.history.v1.History;
let codec;
function ownCodec() {
  if (!codec) {
    const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [path.dirname(require.resolve('@temporalio/proto/package.json'))] }));
    codec = { ...protojson, type: patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History') };
  }
  return codec;
}
const mismatch = (e) => e instanceof Error && /must be a Type/.test(e.message);

/** A history (e.g. from `handle.fetchHistory()`) as a pretty-printed JSON string. */
function historyToJson(history) {
  let json;
  try {
    json = common.historyToJSON(history);
  } catch (e) {
    if (!mismatch(e)) throw e;
    const { toJson, type } = ownCodec();
    json = JSON.stringify(toJson(type, History.fromObject(history)));
  }
  return `${JSON.stringify(JSON.parse(json), null, 1)}\n`;
}

/** The parsed content of a history file as a History message, ready for `Worker.runReplayHistory`. */
function historyFromJson(parsed) {
  try {
    return common.historyFromJSON(parsed);
  } catch (e) {
    if (!mismatch(e)) throw e;
    const { fromJson, type } = ownCodec();
    const loaded = fromJson(type, parsed, { ignoreUnknownFields: true });
    if (!loaded) throw new TypeError('Invalid history');
    return loaded;
  }
}

module.exports = { historyToJson, historyFromJson };
