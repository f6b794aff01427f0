// 申请: the matter's form as a draft kept in storage with its Idempotency-Key; a refused field shows its message.
const tongban = require('../../tongban');

const app = getApp();

Page({
  data: { matter: null, fields: [], values: {}, errors: {}, error: '', sending: false },

  async onLoad({ code }) {
    try {
      const matter = await app.tongban.matters.getMatter({ code });
      this.application = tongban.draft(wx, code);
      this.fields = tongban.formFields(matter.form);
      this.sample = (matter.form.schema.examples || [])[0];
      this.show({ matter: { code: matter.code, name: matter.name } });
    } catch (e) {
      this.setData({ error: tongban.problemText(e) });
    }
  },

  /** The draft's values on the page (a choice shows as its index in the picker). */
  show(extra) {
    const values = {};
    const fields = this.fields.map((f) => {
      const value = tongban.valueOf(this.application.data, f);
      values[f.name] = f.options ? f.options.findIndex((o) => o.value === value) : value === undefined ? '' : value;
      return { ...f, titles: f.options ? f.options.map((o) => o.title) : null };
    });
    this.setData({ ...extra, fields, values });
  },

  onInput(e) {
    const field = this.fields.find((f) => f.name === e.currentTarget.dataset.name);
    const text = field.options ? field.options[e.detail.value].value : e.detail.value;
    tongban.setField(wx, this.application, field, text);
    this.show({});
  },

  /** On the demo platform: the form's own example, so the flow can be tried at once. */
  fillSample() {
    this.fields.forEach((f) => tongban.setField(wx, this.application, f, tongban.valueOf(this.sample || {}, f)));
    this.show({});
  },

  async send() {
    if (this.data.sending) {
      return;
    }
    this.setData({ sending: true, errors: {}, error: '' });
    try {
      const made = await tongban.submit(wx, app.tongban, this.application);
      wx.redirectTo({ url: '/pages/progress/progress?number=' + made.number + '&queryCode=' + made.queryCode });
    } catch (e) {
      // Same draft, same key: sending again after a lost answer returns the case already made.
      const errors = e instanceof tongban.ApiProblem && e.violations.length ? tongban.fieldErrors(e) : {};
      this.setData({ sending: false, errors, error: tongban.problemText(e) });
    }
  },
});
