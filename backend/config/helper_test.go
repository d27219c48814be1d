package config

import (
	"strings"
	"testing"
)

// Every value DEEPR_HELPER_PROVIDER offers is saved and read back; any
// other is set aside with what is accepted, and the default is auto.
func TestHelperProviderSetting(t *testing.T) {
	for _, v := range HelperChoices() {
		o := setup(t)
		o.Saved = map[string]string{"DEEPR_HELPER_PROVIDER": strings.ToUpper(v), "DEEPR_AZURE_HELPER_DEPLOYMENT": "chat-mini"}
		c, err := Load(o)
		if err != nil || c.HelperProvider != v || c.Get("DEEPR_HELPER_PROVIDER") != v || c.AzureHelperDeployment != "chat-mini" || c.SettingsProblems != nil {
			t.Errorf("saved %q: provider %q, deployment %q, problems %+v, %v; want it read back", v, c.HelperProvider, c.AzureHelperDeployment, c.SettingsProblems, err)
		}
	}
	o := setup(t)
	o.Saved = map[string]string{"DEEPR_HELPER_PROVIDER": "perplexity", "DEEPR_AZURE_HELPER_DEPLOYMENT": "a b"}
	c, err := Load(o)
	if err != nil || c.HelperProvider != HelperAuto || c.AzureHelperDeployment != DefaultAzureHelperDeployment() || len(c.SettingsProblems) != 2 ||
		!strings.Contains(c.SettingsProblems[0].String(), "auto, openai, azure, gemini") {
		t.Errorf("bad values: provider %q, deployment %q, problems %+v, %v; want the defaults and both set aside", c.HelperProvider, c.AzureHelperDeployment, c.SettingsProblems, err)
	}
}
