// Junction's wire protocol (docs/protocol.md), as much of it as a worker needs: identity headers read
// case-insensitively, derived replies, error replies, durable outcomes and dead letters.
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nuid"
)

// header reads a header whatever its case (§2); the first value counts.
func header(msg *nats.Msg, name string) string {
	for k, v := range msg.Header {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// derivedHeaders are the identity headers of a reply to msg (§2, §4).
func derivedHeaders(msg *nats.Msg) nats.Header {
	id := header(msg, "Nats-Msg-Id")
	if id == "" {
		id = nuid.Next()
	}
	correlation := header(msg, "Junction-Correlation-Id")
	if correlation == "" {
		correlation = id
	}
	h := nats.Header{}
	h.Set("Nats-Msg-Id", nuid.Next())
	h.Set("Junction-Correlation-Id", correlation)
	h.Set("Junction-Causation-Id", id)
	h.Set("Junction-Kind", "reply")
	return h
}

// serviceError is a definite failure answered with Nats-Service-Error-Code (§4).
type serviceError struct {
	Code    int
	Message string
}

func (e *serviceError) Error() string { return e.Message }

// transientError is a failure worth retrying: not an outcome (§14).
type transientError struct{ Message string }

func (e *transientError) Error() string { return e.Message }

// reply answers msg on subject with a JSON payload, or an error reply when err is set.
func reply(nc *nats.Conn, subject string, cause *nats.Msg, data []byte, err *serviceError) error {
	return publishReply(nc, subject, derivedHeaders(cause), data, err)
}

func publishReply(nc *nats.Conn, subject string, h nats.Header, data []byte, err *serviceError) error {
	if err != nil {
		h.Set("Nats-Service-Error-Code", strconv.Itoa(err.Code))
		h.Set("Nats-Service-Error", oneLine(err.Message))
		data = nil
	} else {
		h.Set("Content-Type", "application/json")
	}
	return nc.PublishMsg(&nats.Msg{Subject: subject, Header: h, Data: data})
}

func oneLine(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " ") }

// outcome is a durable operation's stored result in JUNCTION_OUTCOMES (§6, §14).
// Fingerprint is the SHA-256 of the command's payload that the outcome answers.
type outcome struct {
	OK          bool   `json:"ok"`
	Data        string `json:"data,omitempty"`
	Code        int    `json:"code,omitempty"`
	Message     string `json:"message,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

func success(cmd *nats.Msg, data []byte) outcome {
	return outcome{OK: true, Data: base64.StdEncoding.EncodeToString(data), Fingerprint: fingerprint(cmd.Data)}
}

func failure(cmd *nats.Msg, code int, message string) outcome {
	return outcome{OK: false, Code: code, Message: oneLine(message), Fingerprint: fingerprint(cmd.Data)}
}

// fingerprint tells two requests under one key apart: SHA-256 of the payload, lower-case hex (§14).
func fingerprint(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}

// outcomeKey is the KV key of a command (§14): its subject (operation and merchant) and idempotency
// key, hashed. The command's Nats-Msg-Id is "dr:" + the same.
func outcomeKey(subject, idempotencyKey string) string {
	return fingerprint([]byte(subject + "\n" + idempotencyKey))
}

// answer is what a reply carries for a stored outcome.
func (o outcome) answer() ([]byte, *serviceError) {
	if !o.OK {
		return nil, &serviceError{Code: o.Code, Message: o.Message}
	}
	data, err := base64.StdEncoding.DecodeString(o.Data)
	if err != nil {
		return nil, &serviceError{Code: 500, Message: "stored outcome is not base64"}
	}
	return data, nil
}

// storeOnce stores o unless an outcome exists; either way it returns the stored one (first wins).
func storeOnce(kv nats.KeyValue, key string, o outcome) (outcome, error) {
	value, _ := json.Marshal(o)
	if _, err := kv.Create(key, value); err == nil {
		return o, nil
	} else if stored, found, getErr := loadOutcome(kv, key); getErr == nil && found {
		return stored, nil
	} else {
		return outcome{}, err
	}
}

func loadOutcome(kv nats.KeyValue, key string) (outcome, bool, error) {
	entry, err := kv.Get(key)
	if err == nats.ErrKeyNotFound {
		return outcome{}, false, nil
	}
	if err != nil {
		return outcome{}, false, err
	}
	var o outcome
	if err := json.Unmarshal(entry.Value(), &o); err != nil {
		return outcome{}, false, err
	}
	return o, true, nil
}

// deadLetter copies msg to JUNCTION_DLQ on junction.dlq.<consumer> with the §6 headers.
func deadLetter(js nats.JetStreamContext, msg *nats.Msg, consumer, reason, errorCode, errorMessage string) error {
	meta, err := msg.Metadata()
	if err != nil {
		return err
	}
	id := header(msg, "Nats-Msg-Id")
	if id == "" {
		id = meta.Stream + ":" + strconv.FormatUint(meta.Sequence.Stream, 10)
	}
	correlation := header(msg, "Junction-Correlation-Id")
	if correlation == "" {
		correlation = id
	}
	h := nats.Header{}
	h.Set("Nats-Msg-Id", "dlq:"+meta.Stream+":"+strconv.FormatUint(meta.Sequence.Stream, 10))
	h.Set("Junction-Correlation-Id", correlation)
	h.Set("Junction-Causation-Id", id)
	h.Set("Junction-Dlq-Reason", reason)
	h.Set("Junction-Dlq-Error", oneLine(errorMessage))
	h.Set("Junction-Dlq-Error-Code", errorCode)
	h.Set("Junction-Dlq-Subject", msg.Subject)
	h.Set("Junction-Dlq-Stream", meta.Stream)
	h.Set("Junction-Dlq-Sequence", strconv.FormatUint(meta.Sequence.Stream, 10))
	h.Set("Junction-Dlq-Consumer", consumer)
	h.Set("Junction-Dlq-Delivery-Count", strconv.FormatUint(meta.NumDelivered, 10))
	h.Set("Junction-Dlq-Time", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"))
	h.Set("Junction-Dlq-Message-Id", id)
	h.Set("Junction-Dlq-Worker", consumer)
	for k, v := range msg.Header {
		h.Set("Junction-Dlq-Header-"+k, strings.Join(v, ", "))
	}
	if ct := header(msg, "Content-Type"); ct != "" {
		h.Set("Content-Type", ct)
	}
	dlq := &nats.Msg{Subject: "junction.dlq." + consumer, Header: h, Data: msg.Data}
	if _, err = js.PublishMsg(dlq); err == nats.ErrNoStreamResponse {
		// Nobody made the DLQ stream yet: make it as the SDK does, then send again.
		_, _ = js.AddStream(&nats.StreamConfig{Name: "JUNCTION_DLQ", Subjects: []string{"junction.dlq.>"}})
		_, err = js.PublishMsg(dlq)
	}
	return err
}

// backoff is the nak delay after a failed delivery: 1 s, 2 s, 4 s … capped at 30 s (§14).
func backoff(delivered uint64) time.Duration {
	d := time.Second
	for i := uint64(1); i < delivered && d < 30*time.Second; i++ {
		d *= 2
	}
	if d > 30*time.Second {
		d = 30 * time.Second
	}
	return d
}
