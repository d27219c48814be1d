package fakeopenai

import "sort"

// ResponseIDsFor lists the ids of the responses created with
// metadata.deepr_job_id equal to deeprJobID, sorted. A test uses it to play
// the user who copies a response id from the provider's dashboard, or the
// provider sending a webhook for a response whose create call got no answer.
func (s *Server) ResponseIDsFor(deeprJobID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, r := range s.responses {
		if r.metadata["deepr_job_id"] == deeprJobID {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// Expire forgets response id, as OpenAI does once its retention ends: a
// GET answers 404 and a follow-up naming it as previous_response_id is
// refused (400 previous_response_not_found). Unknown ids are ignored.
func (s *Server) Expire(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.responses, id)
}
