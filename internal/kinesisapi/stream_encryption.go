package kinesisapi

// StartStreamEncryption and StopStreamEncryption.
//
// Behavior: StartStreamEncryption records EncryptionType KMS and KeyId (1
// to 2048 characters: a key id, key or alias ARN, or alias name; starting
// again replaces the key); StopStreamEncryption records NONE, also on a
// stream that is not encrypted, whatever KeyId it names. Both need an
// ACTIVE stream (ResourceInUseException otherwise), leave it UPDATING for
// the server's transition delay, and are stored durably: DescribeStream and
// DescribeStreamSummary report EncryptionType and KeyId, also after a
// restart. EncryptionType must be KMS (NONE is InvalidArgumentException).
//
// Deviations: records are not encrypted at rest by it; the setting is only
// recorded and reported. The key is not checked against KMS, so the KMS*
// errors are never returned. This is a choice: refusing the operation would
// break the tools that turn encryption on when they set a stream up
// (Terraform, CloudFormation-style scripts, the CLI) against a server that
// runs on one machine, where the data directory's protection is the file
// system's; each call logs a warning saying the records stay unencrypted,
// so the setting is not mistaken for encryption.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

type streamEncryptionInput struct {
	StreamName     string `json:"StreamName"`
	StreamARN      string `json:"StreamARN"`
	EncryptionType string `json:"EncryptionType"`
	KeyID          string `json:"KeyId"`
	StreamID       string `json:"StreamId"`
}

// encryptionRequest decodes and checks a Start/StopStreamEncryption request.
func encryptionRequest(body []byte) (name string, in streamEncryptionInput, err error) {
	if err := decode(body, &in); err != nil {
		return "", in, err
	}
	name, err = streamName(in.StreamName, in.StreamARN)
	if err != nil {
		return "", in, err
	}
	switch in.EncryptionType {
	case streamlog.EncryptionKMS:
	case "":
		return "", in, awsjson.Errorf(ValidationException, "EncryptionType is required")
	case streamlog.EncryptionNone:
		return "", in, awsjson.Errorf(InvalidArgumentException, "EncryptionType NONE is not supported; the only valid value is KMS")
	default:
		return "", in, awsjson.Errorf(ValidationException, "EncryptionType %q: want KMS or NONE", in.EncryptionType)
	}
	if in.KeyID == "" {
		return "", in, awsjson.Errorf(ValidationException, "KeyId is required")
	}
	if len(in.KeyID) > 2048 {
		return "", in, awsjson.Errorf(ValidationException, "KeyId: at most 2048 characters")
	}
	return name, in, nil
}

func (a *API) startStreamEncryption(ctx context.Context, body []byte) (any, error) {
	name, in, err := encryptionRequest(body)
	if err != nil {
		return nil, err
	}
	if err := a.sl.SetEncryption(ctx, name, streamlog.EncryptionKMS, in.KeyID); err != nil {
		return nil, a.fail(err)
	}
	a.log.Warn("stream encryption recorded as KMS; records are not encrypted at rest", "stream", name, "key_id", in.KeyID)
	return nil, nil
}

func (a *API) stopStreamEncryption(ctx context.Context, body []byte) (any, error) {
	name, _, err := encryptionRequest(body)
	if err != nil {
		return nil, err
	}
	if err := a.sl.SetEncryption(ctx, name, streamlog.EncryptionNone, ""); err != nil {
		return nil, a.fail(err)
	}
	a.log.Info("stream encryption recorded as NONE", "stream", name)
	return nil, nil
}
