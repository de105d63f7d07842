// The fake card connector, the same as examples/payments/src/connector.ts (the conformance test runs
// one scenario list against both). Test cards: …0002 declined (402), …0119 processing error (transient);
// `test.delayMs` delays authorize, sync with `test.fail` answers 503.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

type payment struct {
	PaymentID       string `json:"paymentId"`
	MerchantID      string `json:"merchantId"`
	Status          string `json:"status"`
	Amount          int64  `json:"amount"`
	Currency        string `json:"currency"`
	Last4           string `json:"last4"`
	AuthorizationID string `json:"authorizationId"`
}

type connector struct {
	mu       sync.Mutex
	payments map[string]payment
}

func newConnector() *connector { return &connector{payments: map[string]payment{}} }

var (
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	cardPattern     = regexp.MustCompile(`^[0-9]{12,19}$`)
)

// authorize returns the payment, a *serviceError (definite) or a *transientError.
func (c *connector) authorize(merchantID string, body []byte) (*payment, error) {
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, &serviceError{Code: 400, Message: "payload is not JSON"}
	}
	paymentID, _ := req["paymentId"].(string)
	amount, amountOK := req["amount"].(float64)
	currency, _ := req["currency"].(string)
	card, _ := req["card"].(map[string]any)
	number, _ := card["number"].(string)
	var problems []string
	if paymentID == "" || len(paymentID) > 64 {
		problems = append(problems, "paymentId: must be 1-64 characters")
	}
	if !amountOK || amount < 1 || amount != float64(int64(amount)) {
		problems = append(problems, "amount: must be a positive integer")
	}
	if !currencyPattern.MatchString(currency) {
		problems = append(problems, "currency: must be 3 capital letters")
	}
	if !cardPattern.MatchString(number) {
		problems = append(problems, "card.number: must be 12-19 digits")
	}
	if len(problems) > 0 {
		return nil, &serviceError{Code: 400, Message: "invalid authorize request: " + strings.Join(problems, "; ")}
	}
	if test, ok := req["test"].(map[string]any); ok {
		if delay, ok := test["delayMs"].(float64); ok && delay > 0 {
			time.Sleep(time.Duration(min(delay, 60000)) * time.Millisecond)
		}
	}
	if strings.HasSuffix(number, "0002") {
		return nil, &serviceError{Code: 402, Message: "card_declined: the card was declined"}
	}
	if strings.HasSuffix(number, "0119") {
		return nil, &transientError{Message: "processing_error: the card network did not answer"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	key := merchantID + "/" + paymentID
	if _, exists := c.payments[key]; exists {
		return nil, &serviceError{Code: 409, Message: fmt.Sprintf("payment %s is already authorized", paymentID)}
	}
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	p := payment{
		PaymentID: paymentID, MerchantID: merchantID, Status: "authorized", Amount: int64(amount),
		Currency: currency, Last4: number[len(number)-4:], AuthorizationID: "auth_" + hex.EncodeToString(id),
	}
	c.payments[key] = p
	return &p, nil
}

func (c *connector) sync(merchantID string, body []byte) (*payment, *serviceError) {
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, &serviceError{Code: 400, Message: "payload is not JSON"}
	}
	paymentID, _ := req["paymentId"].(string)
	if paymentID == "" {
		return nil, &serviceError{Code: 400, Message: "invalid sync request: paymentId: must be a non-empty string"}
	}
	if test, ok := req["test"].(map[string]any); ok && test["fail"] == true {
		return nil, &serviceError{Code: 503, Message: "connector_unavailable: try again later"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.payments[merchantID+"/"+paymentID]
	if !ok {
		return nil, &serviceError{Code: 404, Message: "no payment " + paymentID}
	}
	return &p, nil
}

func min(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}
