package webserve

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"sync"
)

// Frame is one message of the event stream. Every event the service
// emits gets the next seq of this server run (its epoch). The first frame
// of a connection is EventHello: when the client's epoch and seq can be
// resumed, the events it missed follow (and nothing it had); otherwise
// Resync is true and the client fetches its snapshots again (the stores'
// version and seq rules then drop anything older than what they hold).
type Frame struct {
	Epoch  string          `json:"epoch"`
	Seq    uint64          `json:"seq"`
	Name   string          `json:"name"`
	Data   json.RawMessage `json:"data,omitempty"`
	Resync bool            `json:"resync,omitempty"`
}

// EventHello is the name of a connection's first frame.
const EventHello = "deepr:hello"

// ringSize is how many recent events a reconnecting client can catch up on.
const ringSize = 1024

// subBuffer is how many events wait for one client; a client that falls
// further behind is dropped (it reconnects and resumes from the ring).
const subBuffer = 256

// Hub fans the service's events out to every connected browser without
// ever waiting for one.
type Hub struct {
	mu    sync.Mutex
	epoch string
	seq   uint64
	ring  []Frame // the last ringSize events, oldest first
	subs  map[*sub]struct{}
}

type sub struct {
	c       chan Frame
	dropped chan struct{} // closed when the client fell behind
}

// NewHub returns a hub with a new epoch.
func NewHub() *Hub {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Hub{epoch: hex.EncodeToString(b), subs: map[*sub]struct{}{}}
}

// Emit sends one event to every client. It never blocks: a client whose
// buffer is full is dropped. Data that cannot be encoded is not sent.
func (h *Hub) Emit(name string, data any) {
	var raw json.RawMessage
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return
		}
		raw = b
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	f := Frame{Epoch: h.epoch, Seq: h.seq, Name: name, Data: raw}
	if len(h.ring) == ringSize {
		copy(h.ring, h.ring[1:])
		h.ring = h.ring[:ringSize-1]
	}
	h.ring = append(h.ring, f)
	for s := range h.subs {
		select {
		case s.c <- f:
		default:
			delete(h.subs, s)
			close(s.dropped)
		}
	}
}

// subscribe registers a client that last saw (epoch, seq) and returns its
// hello frame and the events it missed. Registration and the catch-up are
// one step under the lock, so no event is missed or repeated.
func (h *Hub) subscribe(epoch string, seq uint64) (*sub, Frame, []Frame) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := &sub{c: make(chan Frame, subBuffer), dropped: make(chan struct{})}
	h.subs[s] = struct{}{}
	hello := Frame{Epoch: h.epoch, Seq: h.seq, Name: EventHello}
	first := h.seq - uint64(len(h.ring)) // the seq before the oldest held
	if epoch != h.epoch || seq < first || seq > h.seq {
		hello.Resync = true
		return s, hello, nil
	}
	missed := append([]Frame(nil), h.ring[seq-first:]...)
	return s, hello, missed
}

func (h *Hub) unsubscribe(s *sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, s)
}

// clients is how many browsers are connected.
func (h *Hub) clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
