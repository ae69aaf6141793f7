package dynamoapi

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/tables"
)

func itoa(i int) string { return strconv.Itoa(i) }

func isNotFound(err error) bool { return errors.Is(err, tables.ErrTableNotFound) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func awsErrNotFound(msg string) error { return awsjson.Errorf(ResourceNotFoundException, "%s", msg) }

func errAs(err error, target any) bool { return errors.As(err, target) }
