// The payments worker in Go, written from docs/protocol.md alone (§4 query, §14 durable operation):
// payments.authorize from the PAYMENTS stream, once per idempotency key, and payments.sync as a query.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o payments-worker .   (Debian's nats.go, offline)
//	NATS_URL=nats://127.0.0.1:4222 ./payments-worker
//
// WORKER_MAX_DELIVER and WORKER_CONCURRENCY tune the consumer it creates when none exists yet.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
)

const (
	stream       = "PAYMENTS"
	consumer     = "payments-authorize" // the operation payments.authorize, "." → "-"
	authorizeSub = "hyperswitch.payments.*.authorize"
	syncSub      = "hyperswitch.payments.*.sync"
	outcomes     = "JUNCTION_OUTCOMES"
)

type worker struct {
	nc         *nats.Conn
	js         nats.JetStreamContext
	connector  *connector
	maxDeliver uint64
	kvOnce     sync.Mutex
	kv         nats.KeyValue
}

func main() {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}
	nc, err := nats.Connect(url, nats.Name("payments-worker-go"), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond))
	if err != nil {
		fail("connect %s: %v", url, err)
	}
	js, err := nc.JetStream()
	if err != nil {
		fail("jetstream: %v", err)
	}
	w := &worker{nc: nc, js: js, connector: newConnector()}
	if err := w.ensureConsumer(envInt("WORKER_MAX_DELIVER", 5)); err != nil {
		fail("consumer %s on %s: %v", consumer, stream, err)
	}
	if _, err := nc.QueueSubscribe(syncSub, "junction", w.onSync); err != nil {
		fail("subscribe %s: %v", syncSub, err)
	}
	sub, err := js.PullSubscribe(authorizeSub, consumer, nats.Bind(stream, consumer))
	if err != nil {
		fail("bind %s: %v", consumer, err)
	}
	stop := make(chan struct{})
	var running sync.WaitGroup
	for i := 0; i < envInt("WORKER_CONCURRENCY", 32); i++ {
		running.Add(1)
		go func() {
			defer running.Done()
			w.pull(sub, stop)
		}()
	}
	fmt.Printf("payments worker (go) ready on %s\n", url)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	<-signals
	close(stop)
	running.Wait()
	_ = nc.Drain()
}

// ensureConsumer binds to the operation's consumer, creating it with the §14 settings if missing.
func (w *worker) ensureConsumer(maxDeliver int) error {
	info, err := w.js.ConsumerInfo(stream, consumer)
	if errors.Is(err, nats.ErrConsumerNotFound) {
		info, err = w.js.AddConsumer(stream, &nats.ConsumerConfig{
			Durable:       consumer,
			FilterSubject: authorizeSub,
			AckPolicy:     nats.AckExplicitPolicy,
			AckWait:       30 * time.Second,
			MaxDeliver:    maxDeliver,
		})
	}
	if err != nil {
		return err
	}
	w.maxDeliver = uint64(info.Config.MaxDeliver)
	return nil
}

// outcomeBucket binds to JUNCTION_OUTCOMES (callers create it), creating it only when missing.
func (w *worker) outcomeBucket() (nats.KeyValue, error) {
	w.kvOnce.Lock()
	defer w.kvOnce.Unlock()
	if w.kv != nil {
		return w.kv, nil
	}
	kv, err := w.js.KeyValue(outcomes)
	if errors.Is(err, nats.ErrBucketNotFound) {
		kv, err = w.js.CreateKeyValue(&nats.KeyValueConfig{Bucket: outcomes, History: 1, TTL: 24 * time.Hour})
	}
	if err == nil {
		w.kv = kv
	}
	return kv, err
}

func (w *worker) pull(sub *nats.Subscription, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		msgs, err := sub.Fetch(1, nats.MaxWait(2*time.Second))
		if err != nil {
			if !errors.Is(err, nats.ErrTimeout) {
				time.Sleep(250 * time.Millisecond) // disconnected or the like: try again shortly
			}
			continue
		}
		for _, msg := range msgs {
			w.handle(msg)
		}
	}
}

// handle is §14 step 3 for one delivery of an authorize command.
func (w *worker) handle(msg *nats.Msg) {
	idem := header(msg, "Junction-Idempotency-Key")
	if idem == "" {
		w.poison(msg, "durable command without Junction-Idempotency-Key")
		return
	}
	kv, err := w.outcomeBucket()
	if err != nil {
		_ = msg.NakWithDelay(time.Second)
		return
	}
	key := outcomeKey(msg.Subject, idem)
	stored, found, err := loadOutcome(kv, key)
	if err != nil {
		_ = msg.NakWithDelay(time.Second)
		return
	}
	if !found {
		result, runErr := w.run(msg)
		var transient *transientError
		var definite *serviceError
		switch {
		case errors.As(runErr, &transient):
			meta, metaErr := msg.Metadata()
			if metaErr == nil && (w.maxDeliver == 0 || meta.NumDelivered < w.maxDeliver) {
				_ = msg.NakWithDelay(backoff(meta.NumDelivered))
				return
			}
			// The last allowed delivery: a final 500, so the caller stops waiting.
			if stored, err = storeOnce(kv, key, failure(msg, 500, transient.Message)); err != nil {
				_ = msg.NakWithDelay(time.Second)
				return
			}
			_ = deadLetter(w.js, msg, consumer, "exhausted", "ERR_HANDLER", transient.Message)
			w.answer(msg, stored)
			_ = msg.Term()
			return
		case errors.As(runErr, &definite):
			stored, err = storeOnce(kv, key, failure(msg, definite.Code, definite.Message))
		default:
			stored, err = storeOnce(kv, key, success(msg, result))
		}
		if err != nil {
			_ = msg.NakWithDelay(time.Second)
			return
		}
	}
	w.answer(msg, stored)
	_ = msg.Ack()
}

// run authorizes, telling the server the message is in progress while the connector is slow.
func (w *worker) run(msg *nats.Msg) ([]byte, error) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		ticker := time.NewTicker(10 * time.Second)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				_ = msg.InProgress()
			}
		}
	}()
	p, err := w.connector.authorize(merchantOf(msg.Subject), msg.Data)
	if err != nil {
		return nil, err
	}
	return json.Marshal(p)
}

// answer replies with the stored outcome to the caller's inbox, if it named one, with the fingerprint
// of the request it answers: a caller that sent another payload under the same key refuses it (§14).
func (w *worker) answer(msg *nats.Msg, o outcome) {
	inbox := header(msg, "Junction-Reply-To")
	if inbox == "" {
		return
	}
	data, failed := o.answer()
	h := derivedHeaders(msg)
	if o.Fingerprint != "" {
		h.Set("Junction-Request-Fingerprint", o.Fingerprint)
	}
	_ = publishReply(w.nc, inbox, h, data, failed)
}

func (w *worker) poison(msg *nats.Msg, reason string) {
	if err := deadLetter(w.js, msg, consumer, "rejected", "ERR_POISON_MESSAGE", reason); err != nil {
		_ = msg.NakWithDelay(time.Second) // not copied: let it come back rather than drop it
		return
	}
	_ = msg.Term()
}

// onSync answers payments.sync (§4): the payment, or an error reply.
func (w *worker) onSync(msg *nats.Msg) {
	if msg.Reply == "" {
		return
	}
	p, failed := w.connector.sync(merchantOf(msg.Subject), msg.Data)
	if failed != nil {
		_ = reply(w.nc, msg.Reply, msg, nil, failed)
		return
	}
	data, _ := json.Marshal(p)
	_ = reply(w.nc, msg.Reply, msg, data, nil)
}

func merchantOf(subject string) string {
	tokens := strings.Split(subject, ".")
	if len(tokens) < 3 {
		return ""
	}
	return tokens[2]
}

func envInt(name string, fallback int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return fallback
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "payments worker: "+format+"\n", args...)
	os.Exit(1)
}
