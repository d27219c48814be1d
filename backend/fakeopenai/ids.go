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
