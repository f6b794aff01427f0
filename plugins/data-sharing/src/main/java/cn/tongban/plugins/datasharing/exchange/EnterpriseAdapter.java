package cn.tongban.plugins.datasharing.exchange;

/** {@code scjg-enterprise} from the provincial exchange: 市场监管 企业登记. */
public final class EnterpriseAdapter extends ExchangeAdapter {
  public EnterpriseAdapter() {
    super("exchange-scjg-enterprise", "scjg-enterprise", "enterprise");
  }
}
